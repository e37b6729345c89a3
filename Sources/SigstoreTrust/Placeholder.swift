enum SigstoreTrustPlaceholder {}
