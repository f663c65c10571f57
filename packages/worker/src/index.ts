/**
 * @loopctl/worker — not implemented yet: this package is reserved in the workspace layout and is
 * filled in by its own issue (see README.md, "Packages"). It exports nothing today.
 */
export {}
