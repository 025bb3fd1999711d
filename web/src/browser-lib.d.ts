/**
 * The page's sources run in a browser: give them the DOM library. (The root
 * tsconfig.json includes `web/` with `lib: ["es2023"]` only.)
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
