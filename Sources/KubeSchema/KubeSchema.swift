// The KubeSchema module: offline Kubernetes schema validation with kubeconform's behaviour and
// santhosh-tekuri/jsonschema v6's error texts (docs/kubernetes-schemas.md; spec: kubesec.md §4).
//
// Layers, from the bottom:
// * JSONValue, JSONParser, GoText: values and the Go formatting their messages need;
// * SchemaCompiler → CompiledSchema (SchemaNode graph) → SchemaEvaluation → Violation (v6's error tree);
// * BundledSchemaLibrary (the generated BundledSchemas), SchemaSettings/SchemaLocation (where schemas are);
// * KubernetesSchemaValidator: kubeconform's ValidateResource, List expansion and messages.
