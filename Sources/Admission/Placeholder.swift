enum AdmissionPlaceholder {}
