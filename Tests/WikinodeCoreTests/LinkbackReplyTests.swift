import Foundation
import Testing
import WikinodeCore

/// Replies of other sites' Pingback and Trackback endpoints, read with a real XML parser.
@Suite struct LinkbackReplyTests {
    static let fault48 = """
        <?xml version="1.0"?>
        <methodResponse><fault><value><struct>
          <member><name>faultString</name><value><string>The pingback has already been registered.</string></value></member>
          <member><name>faultCode</name><value><int> 48 </int></value></member>
        </struct></value></fault></methodResponse>
        """

    @Test func pingbackValuesAndFaults() throws {
        #expect(try XMLRPC.parseReply(Data(XMLRPC.response("Thanks!").utf8)) == .value("Thanks!"))
        #expect(try XMLRPC.parseReply(Data(XMLRPC.fault(code: 17, message: "no link").utf8)) == .fault(code: 17, message: "no link"))
        #expect(try XMLRPC.parseReply(Data(Self.fault48.utf8)) == .fault(code: 48, message: "The pingback has already been registered."))
        // WordPress's <i4> and an untyped value
        let i4 =
            "<methodResponse><fault><value><struct><member><name>faultCode</name><value><i4>0</i4></value></member></struct></value></fault></methodResponse>"
        #expect(try XMLRPC.parseReply(Data(i4.utf8)) == .fault(code: 0, message: ""))
        let untyped = "<methodResponse><params><param><value>ok</value></param></params></methodResponse>"
        #expect(try XMLRPC.parseReply(Data(untyped.utf8)) == .value("ok"))
    }

    @Test(arguments: [
        // Text that merely mentions a fault, or the code in the wrong place, is not one.
        "<html><body>&lt;fault&gt; <int>48</int></body></html>",
        "<methodResponse><params><param><value><string>&lt;fault&gt;&lt;int&gt;48&lt;/int&gt;</string></value></param></params></methodResponse>x",
        "<methodResponse><fault><value><struct><member><name>faultCode</name><value><string>many</string></value></member></struct></value></fault></methodResponse>",
        "<methodResponse></methodResponse>",
        "<!DOCTYPE x [<!ENTITY a \"48\">]><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>&a;</int></value></member></struct></value></fault></methodResponse>",
        "not xml at all",
        "",
    ])
    func malformedOrHostilePingbackRepliesAreRefused(reply: String) {
        #expect(throws: XMLRPC.ParseError.self) { try XMLRPC.parseReply(Data(reply.utf8)) }
    }

    @Test func aValueThatMentionsAFaultIsAValue() throws {
        let reply =
            "<methodResponse><params><param><value><string>&lt;fault&gt;&lt;int&gt;48&lt;/int&gt;</string></value></param></params></methodResponse>"
        #expect(try XMLRPC.parseReply(Data(reply.utf8)) == .value("<fault><int>48</int>"))
    }

    @Test func trackbackReplies() throws {
        let ok = "<?xml version=\"1.0\" encoding=\"utf-8\"?><response><error>0</error></response>"
        #expect(try TrackbackReply.parse(Data(ok.utf8)).isSuccess)
        let refused = "<response>\n<error>1</error>\n<message>Sorry, trackbacks are closed.</message>\n</response>"
        #expect(try TrackbackReply.parse(Data(refused.utf8)) == TrackbackReply(error: 1, message: "Sorry, trackbacks are closed."))
        for hostile in [
            "<html><p><error>0</error></p></html>", "<response><message>0</message></response>", "<response><error>0</error>",
            "<!DOCTYPE r><response><error>0</error></response>",
        ] {
            #expect(throws: XMLRPC.ParseError.self, "\(hostile)") { try TrackbackReply.parse(Data(hostile.utf8)) }
        }
    }
}
