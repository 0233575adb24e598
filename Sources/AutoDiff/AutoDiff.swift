// AutoDiff: a small reverse-mode automatic differentiation library.
