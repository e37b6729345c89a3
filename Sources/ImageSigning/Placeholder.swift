enum ImageSigningPlaceholder {}
