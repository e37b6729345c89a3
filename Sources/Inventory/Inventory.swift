// The Inventory module; see docs/STATUS.md.
