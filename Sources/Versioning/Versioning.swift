// The Versioning module; see docs/STATUS.md.
