enum ImagePolicyPlaceholder {}
