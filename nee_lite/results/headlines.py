"""The scorecard's one table: per claim the book makes, a sentence saying what is
measured by which engine, and the claim of the scorecard line that holds the number
(:data:`nee_lite.results.scorecard.LINES`)."""

__all__ = ["HEADLINES"]

#: The scorecard's one table: per claim the book makes, a sentence saying what is
#: measured by which engine, and the line of :data:`LINES` that holds the number.
HEADLINES = [
    (
        "The min-of-two NEE, binary numbers, picks the smaller of two 8-bit numbers "
        "it never saw in training",
        "shipped min-of-two network, held-out numbers",
    ),
    (
        "A plain seq2seq transformer, trained on lists of at most 8, sorts lists of 8 "
        "numbers",
        "seq2seq transformer, one-hot, 8 numbers",
    ),
    (
        "The same seq2seq transformer sorts lists of 100 numbers",
        "seq2seq transformer, one-hot, 100 numbers",
    ),
    (
        "The selection-sort NEE, trained on lists of at most 8, sorts the paper's "
        "lists of 100 numbers",
        "selection sort, 100 numbers (paper's test lists)",
    ),
    (
        "The selection-sort NEE sorts lists of 200 numbers",
        "selection sort, 200 numbers (paper's test lists)",
    ),
    (
        "Merge sort composed from the merge NEE sorts the paper's lists of 100 numbers",
        "merge sort, 100 numbers (paper's test lists)",
    ),
    (
        "The add NEE adds pairs of 8-bit numbers held out of training (about 1 in 10 "
        "unseen in either order: most are b + a of a training a + b)",
        "8-bit addition, unseen pairs",
    ),
    (
        "The add NEE with only 64 of the 256 numbers allowed in training adds pairs "
        "holding the others",
        "Table 2: 64 numbers allowed, single engines",
    ),
    (
        "The multiply NEE multiplies pairs of 12-bit numbers held out of training "
        "(about 1 in 10 unseen in either order)",
        "12-bit multiplication, unseen pairs, single engines from 3 seeds",
    ),
    (
        "Dijkstra composed from the find-min and add NEEs finds every shortest "
        "distance in graphs of 100 nodes",
        "shortest paths, graphs of 100 nodes",
    ),
    (
        "Prim composed from the find-min NEE builds the minimum spanning tree of "
        "graphs of 100 nodes",
        "minimum spanning tree, graphs of 100 nodes",
    ),
    (
        "The Neural Programmer-Interpreter, trained on at most 5 digits, adds numbers "
        "of 1,000 digits",
        "NPI addition, 1000 digits (trained on at most 5)",
    ),
    (
        "The NPI's bubble sort, trained on at most 8 digits, sorts arrays of 60 digits",
        "NPI bubble sort, 60 digits (trained on at most 8)",
    ),
    (
        "The NPI, trained on 64 rendered cars, turns 20 cars it never saw to the "
        "canonical view from every start pose",
        "NPI canonicalization, all start poses of 20 unseen cars (trained on 64)",
    ),
    (
        "The Learning-to-Execute LSTM, trained on 3-digit numbers, adds 4-digit "
        "numbers",
        "LSTM addition, 4-digit numbers (trained on at most 3)",
    ),
]
