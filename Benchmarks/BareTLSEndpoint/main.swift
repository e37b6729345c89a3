// The baseline the admission benchmark compares `moat serve` with: a bare Hummingbird HTTPS endpoint that answers
// every POST with the same small JSON body, measured with the same wrk runs on the same machine.
//
//   bench-bare-endpoint PORT CERT.pem KEY.pem
import Foundation
import Hummingbird
import HummingbirdTLS
import NIOSSL

let arguments = CommandLine.arguments
guard arguments.count == 4, let port = Int(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: bench-bare-endpoint PORT CERT.pem KEY.pem\n".utf8))
    exit(2)
}
let chain = try NIOSSLCertificate.fromPEMFile(arguments[2]).map { NIOSSLCertificateSource.certificate($0) }
let key = try NIOSSLPrivateKey(file: arguments[3], format: .pem)
let body = ByteBuffer(string: #"{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview","status":{"allowed":true}}"#)
let router = Router()
router.post("**") { _, _ -> Response in
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
}
let app = Application(
    router: router,
    server: try .tls(.http1(), tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))),
    configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port))
)
try await app.runService()
