import Inventory
import Testing

@Suite("PURL")
struct PURLTests {
    @Test("purls are built as the spec writes them", arguments: [
        (PURL.make(type: "deb", namespace: "debian", name: "bash", version: "5.2.15-2+b2", qualifiers: ["arch": "amd64", "distro": "debian-12"]),
         "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12"),
        (PURL.make(type: "npm", namespace: "@angular", name: "core", version: "16.0.0"), "pkg:npm/%40angular/core@16.0.0"),
        (PURL.make(type: "golang", namespace: "github.com/gin-gonic", name: "gin", version: "v1.9.1"), "pkg:golang/github.com/gin-gonic/gin@v1.9.1"),
        (PURL.make(type: "maven", namespace: "org.apache.logging.log4j", name: "log4j-core", version: "2.14.1"),
         "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
        (PURL.make(type: "rpm", namespace: "redhat", name: "openssl", version: "1:3.0.7-27.el9", qualifiers: ["arch": "x86_64", "epoch": "1"]),
         "pkg:rpm/redhat/openssl@1:3.0.7-27.el9?arch=x86_64&epoch=1"),
        (PURL.make(type: "PyPI", name: "Django Rest", version: nil), "pkg:pypi/Django%20Rest"),
    ])
    func make(_ built: String, _ expected: String) {
        #expect(built == expected)
    }
}
