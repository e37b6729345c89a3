// The ScanServer module (moat serve); see docs/STATUS.md.
