enum SigstoreKeysPlaceholder {}
