import Foundation
import Synchronization
import Testing
import WikinodeNetwork

/// The address policy with a resolver that records what it is asked: names that cannot be
/// public are refused before any resolver hears of them.
@Suite struct AddressPolicyTests {
    /// A resolver that answers from a table and remembers every name it was asked.
    final class RecordingResolver: Sendable {
        let answers: [String: [[UInt8]]]
        let asked = Mutex<[String]>([])

        init(_ answers: [String: [[UInt8]]]) { self.answers = answers }

        var resolver: HostResolver {
            HostResolver { [self] name in
                asked.withLock { $0.append(name) }
                guard let addresses = answers[name] else { throw RemoteError.unreachable("\(name) does not resolve") }
                return addresses
            }
        }

        var names: [String] { asked.withLock { $0 } }
    }

    @Test(arguments: [
        "http://localhost./", "http://127.0.0.1./", "http://LOCALHOST/", "http://localhost/", "http://foo.localhost/", "http://wiki.localhost./",
        "http://intranet/", "http://printer.local/", "http://nas.lan/", "http://router.home.arpa/", "http://db.internal/",
        "http://2130706433/", "http://127.1/", "http://0x7f.0.0.1/", "http://0177.0.0.1/", "http://10.1/", "http://[::1]/",
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://169.254.169.254./latest", "http://site.example/",
        "http://a..b.org/", "http://-bad.example.org/", "http://under_score.example.org/",
    ])
    func namesThatCannotBePublicAreRefusedWithoutAskingAResolver(address: String) throws {
        let recording = RecordingResolver([:])
        let policy = AddressPolicy(resolver: recording.resolver)
        let url = try #require(URL(string: address))
        #expect(throws: RemoteError.self, "\(address)") { try policy.check(url) }
        #expect(recording.names.isEmpty, "\(address) asked the resolver for \(recording.names)")
    }

    @Test func publicNamesAreResolvedOnceNormalised() throws {
        let recording = RecordingResolver([
            "wiki.example.org": [[93, 184, 216, 34]],
            "rebind.example.org": [[93, 184, 216, 34], [10, 0, 0, 1]],
            "six.example.org": [[0x26, 0x06, 0x47, 0] + [UInt8](repeating: 0, count: 11) + [1]],
        ])
        let policy = AddressPolicy(resolver: recording.resolver)
        // A trailing dot and capitals are the same name.
        try policy.check(URL(string: "https://Wiki.Example.ORG./page")!)
        try policy.check(URL(string: "https://six.example.org/")!)
        #expect(recording.names == ["wiki.example.org", "six.example.org"])
        // Any private address among the answers refuses the name.
        #expect(throws: RemoteError.self) { try policy.check(URL(string: "https://rebind.example.org/")!) }
        #expect(throws: RemoteError.self) { try policy.check(URL(string: "https://unknown.example.org/")!) }
    }

    @Test func privateNetworksAndTestNodesAskNoResolverEither() throws {
        let recording = RecordingResolver([:])
        try AddressPolicy(allowPrivateAddresses: true, resolver: recording.resolver).check(URL(string: "http://localhost.:8080/")!)
        var loopback = AddressPolicy.testsOnLoopback
        loopback.resolver = recording.resolver
        try loopback.check(URL(string: "http://127.0.0.1.:8080/")!)
        #expect(throws: RemoteError.self) { try loopback.check(URL(string: "http://localhost.:8080/")!) }
        #expect(recording.names.isEmpty)
    }

    @Test func literalPublicAddressesNeedNoResolver() throws {
        let recording = RecordingResolver([:])
        let policy = AddressPolicy(resolver: recording.resolver)
        try policy.check(URL(string: "http://93.184.216.34/")!)
        try policy.check(URL(string: "https://[2606:4700::1111]/")!)
        #expect(recording.names.isEmpty)
    }
}
