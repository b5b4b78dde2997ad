"""The book's pictures: one plot style, one step viewer, and each chapter's figures."""
