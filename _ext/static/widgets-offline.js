// Loaded on pages with widgets, between require.js and the widget manager (nb_ipywidgets_js in _config.yml).
(function () {
    // The widget manager loads its icon fonts from beside the AMD modules it defines, which require.js would
    // place beside the page; map those modules to _static/html-manager/, where the fonts are.
    const managerDir = new URL("html-manager", document.currentScript.src).href;
    require.config({paths: {"@jupyter-widgets": managerDir, "@jupyter-widgets/html-manager/dist": managerDir}});

    // ipywidgets typesets widget labels through MathJax 2's MathJax.Hub.Queue; this book loads MathJax 3.
    window.addEventListener("DOMContentLoaded", function () {
        const mathjax = window.MathJax;
        if (mathjax && mathjax.startup && !mathjax.Hub) {
            mathjax.Hub = {
                Queue: function (job) {
                    return mathjax.startup.promise.then(function () { return mathjax.typesetPromise([job[2]]); });
                },
            };
        }
    });
})();
