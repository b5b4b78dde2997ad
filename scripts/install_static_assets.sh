#!/usr/bin/env bash
# Puts the browser-side libraries of the rendered book into _vendor/ (git-ignored), so that every page works
# offline instead of fetching them from a CDN when it opens: require.js and the Jupyter widget manager, which
# turn the widget state stored in a page into widgets, MathJax, which typesets the math, and ONNX Runtime Web,
# which runs the exported engines on the page "Try the engines" (book/playground.md). _config.yml adds
# _vendor/ to Sphinx's static files (the built book serves them from _static/) and points Sphinx at them
# (nb_ipywidgets_js, mathjax_path). Not _static/ itself: Jupyter Book would load every .js file there on every page.
# npm fetches the pinned tarballs at install time only (no dependencies: each file we take is self-contained);
# each tarball is checked against the integrity hash the registry published for it.
set -euo pipefail
cd "$(dirname "$0")/.."

VENDOR=_vendor
PACKAGES=(
    "requirejs@2.3.8 sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw=="
    "@jupyter-widgets/html-manager@1.0.15 sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA=="
    "mathjax@3.2.2 sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
    "onnxruntime-web@1.30.0 sha512-q0y+JrrtukXSzsBWEMccVfqX25LRmosXHF+CaRJmg8pZClzcV7svNc4rKY3jL02Vb7QmRMDs1SigqR4CXAfKYQ=="
)

# Unpacks one pinned npm package into $2 after checking its integrity hash.
fetch() {
    local spec=$1 integrity=$2 into=$3 tarball
    tarball=$(cd "$tmp" && npm pack --silent --loglevel=error "$spec" 2>/dev/null | tail -n 1)
    if [[ "sha512-$(openssl dgst -sha512 -binary "$tmp/$tarball" | base64 -w 0)" != "$integrity" ]]; then
        echo "install_static_assets: $spec does not match its pinned integrity hash" >&2
        exit 1
    fi
    mkdir -p "$into"
    tar -xzf "$tmp/$tarball" -C "$into" --strip-components=1
}

# Nothing to do when the same versions are already in place (rebuilds then need no network).
if [[ "$(cat "$VENDOR/VERSIONS" 2>/dev/null)" == "$(printf '%s\n' "${PACKAGES[@]}")" ]]; then
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for entry in "${PACKAGES[@]}"; do
    read -r spec integrity <<<"$entry"
    fetch "$spec" "$integrity" "$tmp/${spec%@*}"
done

rm -rf "$VENDOR"
mkdir -p "$VENDOR/requirejs" "$VENDOR/html-manager"
cp "$tmp/requirejs/require.js" "$VENDOR/requirejs/"
# The widget manager loads its icon fonts from beside itself.
cp "$tmp/@jupyter-widgets/html-manager/dist/embed-amd.js" "$VENDOR/html-manager/"
cp "$tmp/@jupyter-widgets/html-manager/dist/"*.{woff2,woff,ttf,eot,svg} "$VENDOR/html-manager/"
# MathJax loads its fonts and extensions from beside tex-mml-chtml.js.
cp -r "$tmp/mathjax/es5" "$VENDOR/mathjax"
# ONNX Runtime Web, CPU (WebAssembly) backend only: the script (global `ort`), the WebAssembly module and the
# small ES module that loads it, which ort.wasm.min.js imports from env.wasm.wasmPaths (the playground points it
# here). The page runs it single-threaded, so it needs no cross-origin isolation. Its other builds (WebGPU,
# WebGL, JSPI) are not copied.
mkdir -p "$VENDOR/onnxruntime-web"
cp "$tmp/onnxruntime-web/dist/"{ort.wasm.min.js,ort-wasm-simd-threaded.mjs,ort-wasm-simd-threaded.wasm} \
    "$VENDOR/onnxruntime-web/"
printf '%s\n' "${PACKAGES[@]}" >"$VENDOR/VERSIONS"
echo "install_static_assets: require.js, the widget manager, MathJax and ONNX Runtime Web are in $VENDOR"
