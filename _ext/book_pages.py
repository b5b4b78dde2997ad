"""A fix to the HTML pages Jupyter Book 1.x writes, so that they load without a
JavaScript error.

Sphinx 7.4 lists an inline script that an extension adds once the builder has started
twice (once with the filename None, once with ''). sphinx-thebe's inline script declares
constants, so its second copy throws "Identifier 'THEBE_JS_URL' has already been
declared" on every page. The browser test (tests/test_browser.py) fails on any
JavaScript error, so this extension drops the repeated copies.
"""


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    """Keep the first of the page's scripts that differ only in a filename of None or
    ''."""
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (
            script.filename or "",
            script.priority,
            tuple(sorted(script.attributes.items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"][:] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
