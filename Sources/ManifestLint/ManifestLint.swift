// The ManifestLint module; see docs/STATUS.md.
