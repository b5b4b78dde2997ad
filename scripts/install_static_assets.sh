#!/usr/bin/env bash
# Puts the browser-side libraries of the rendered book into _vendor/ (git-ignored), so that every page works
# offline instead of fetching them from a CDN when it opens: require.js and the Jupyter widget manager, which
# turn the widget state stored in a page into widgets, MathJax, which typesets the math, and ONNX Runtime Web,
# which runs the exported engines on the page "Try the engines" (book/playground.md). _config.yml adds
# _vendor/ to Sphinx's static files (the built book serves them from _static/) and points Sphinx at them
# (nb_ipywidgets_js, mathjax_path). Not _static/ itself: Jupyter Book would load every .js file there on every page.
#
# The versions live in package.json, and package-lock.json pins every package npm installs with the integrity
# hash the registry published for it: `npm ci` installs exactly that tree and fails on any mismatch. It installs
# into a temporary folder (not node_modules/ here, which Sphinx would walk), and only the files the pages load
# are copied into _vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."

VENDOR=_vendor
# Nothing to do when _vendor/ came from this very lock file (rebuilds then need no network).
stamp="package-lock.json sha256 $(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ "$(cat "$VENDOR/VERSIONS" 2>/dev/null)" == "$stamp" ]]; then
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp package.json package-lock.json "$tmp/"
(cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
modules=$tmp/node_modules

rm -rf "$VENDOR"
mkdir -p "$VENDOR/requirejs" "$VENDOR/html-manager" "$VENDOR/onnxruntime-web"
cp "$modules/requirejs/require.js" "$VENDOR/requirejs/"
# The widget manager loads its icon fonts from beside itself.
cp "$modules/@jupyter-widgets/html-manager/dist/embed-amd.js" "$VENDOR/html-manager/"
cp "$modules/@jupyter-widgets/html-manager/dist/"*.{woff2,woff,ttf,eot,svg} "$VENDOR/html-manager/"
# MathJax loads its fonts and extensions from beside tex-mml-chtml.js.
cp -r "$modules/mathjax/es5" "$VENDOR/mathjax"
# ONNX Runtime Web, CPU (WebAssembly) backend only: the script (global `ort`), the WebAssembly module and the
# small ES module that loads it, which ort.wasm.min.js imports from env.wasm.wasmPaths (the playground points it
# here). The page runs it single-threaded, so it needs no cross-origin isolation. Its other builds (WebGPU,
# WebGL, JSPI) are not copied.
cp "$modules/onnxruntime-web/dist/"{ort.wasm.min.js,ort-wasm-simd-threaded.mjs,ort-wasm-simd-threaded.wasm} \
    "$VENDOR/onnxruntime-web/"
echo "$stamp" >"$VENDOR/VERSIONS"
echo "install_static_assets: require.js, the widget manager, MathJax and ONNX Runtime Web are in $VENDOR"
