// The VulnDB module; see docs/STATUS.md.
