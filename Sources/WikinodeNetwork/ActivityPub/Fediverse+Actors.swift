import Foundation
import WikinodeCore
import _CryptoExtras

extension Fediverse {
    /// The actor that holds the key `keyId`: as kept, when fetched less than a day ago and
    /// `refresh` is false; otherwise fetched from its server (the key's address answers the
    /// actor, or a key document whose owner is fetched in turn). Throws `.unauthorized` when
    /// it cannot be had or does not hold that key.
    ///
    /// A key is fetched at most once in `timing.keyRefetchInterval`, and a server (scheme, host
    /// and port) is asked for at most `keyFetchesPerHostPerMinute` keys a minute (past that,
    /// `.refused`: a 503 asks the sender to come back): a stranger cannot make the node fetch
    /// again and again by naming keys (or signing badly with a kept one). Only `acceptingKept`
    /// (a `Delete` of the actor itself: servers that are gone sign their goodbye with the key
    /// they had) falls back to a kept key that cannot be fetched again.
    func actor(
        holdingKey keyId: String, refresh: Bool = false, acceptingKept: Bool = false, now: Date = Date()
    ) async throws -> (
        actor: FediverseActor, fetched: Bool
    ) {
        let kept = try database.fediverseActor(keyId: keyId)
        if !refresh, let kept, now.timeIntervalSince(kept.fetchedAt) < Self.actorLifetime {
            return (kept, false)
        }
        guard let keyURL = WebAddress.url(keyId).map(WebAddress.withoutFragment) else {
            throw RemoteError.unauthorized("The keyId \(keyId.prefix(200)) is not an http(s) address.")
        }
        let interval =
            TimeInterval(timing.keyRefetchInterval.components.seconds)
            + TimeInterval(timing.keyRefetchInterval.components.attoseconds) / 1e18
        let server = WebOrigin(keyURL)?.description ?? "(no origin)"
        let minute = Int(now.timeIntervalSince1970 / 60)
        enum Admission { case fetch, fetchedLately, serverBusy }
        let admission = recentKeyFetches.withLock { log -> Admission in
            if log.lastFetch.count > 10_000 { log.lastFetch = log.lastFetch.filter { now.timeIntervalSince($0.value) < interval } }
            if log.perHost.count > 10_000 { log.perHost = log.perHost.filter { $0.value.minute == minute } }
            if let last = log.lastFetch[keyId], now.timeIntervalSince(last) < interval { return .fetchedLately }
            let count = log.perHost[server].flatMap { $0.minute == minute ? $0.count : nil } ?? 0
            guard count < Self.keyFetchesPerHostPerMinute else { return .serverBusy }
            log.perHost[server] = (minute, count + 1)
            log.lastFetch[keyId] = now
            return .fetch
        }
        switch admission {
        case .fetch:
            break
        case .fetchedLately:
            if acceptingKept, let kept { return (kept, false) }
            throw RemoteError.unauthorized("The key \(keyId.prefix(200)) was fetched a moment ago and did not serve; send again later.")
        case .serverBusy:
            if acceptingKept, let kept { return (kept, false) }
            throw RemoteError.refused("Too many keys of \(server) were fetched this minute; send again in a minute.")
        }
        do {
            var document = try await fetch(keyURL)
            if document.object["publicKey"] == nil, let owner = document.string("owner").flatMap(WebAddress.url) {
                // A key document: its owner is the actor.
                guard owner.host?.lowercased() == keyURL.host?.lowercased() else {
                    throw RemoteError.unauthorized("The key's owner is on another host than the key.")
                }
                document = try await fetch(owner)
            }
            let actor = try Self.actor(from: document, keyId: keyId, now: now)
            return (try database.saveFediverseActor(actor), true)
        } catch RemoteError.refused(let reason) {
            recentKeyFetches.withLock { _ = $0.lastFetch.removeValue(forKey: keyId) }
            throw RemoteError.refused(reason)
        } catch let error as RemoteError {
            if case .unauthorized = error { throw error }
            if acceptingKept, let kept { return (kept, false) }
            throw RemoteError.unauthorized("The key \(keyId.prefix(200)) cannot be fetched: \(error)")
        }
    }

    /// GETs an ActivityStreams document, signed (servers in secure mode ask for it), with
    /// limits, a few at a time: past `maximumFetchesUnderWay`, `.refused` (a 503 for the sender).
    func fetch(_ url: URL) async throws -> ActivityJSON {
        let admitted = fetchesUnderWay.withLock { count in
            guard count < Self.maximumFetchesUnderWay else { return false }
            count += 1
            return true
        }
        guard admitted else { throw RemoteError.refused("Too many fetches from other servers under way; send again in a minute.") }
        defer { fetchesUnderWay.withLock { $0 -= 1 } }
        let headers = try FediverseSignature.sign(method: "GET", url: url, body: nil, keyId: keyId, key: try actorKey.privateKey())
        var fields = headers
        fields[.accept] = ActivityFields.accept
        let response = try await client.get(url, headers: fields, limits: Self.fetchLimits)
        guard (200..<300).contains(response.status) else {
            throw RemoteError.badResponse("\(url.absoluteString) answers \(response.status).")
        }
        guard let document = ActivityJSON(data: response.body) else {
            throw RemoteError.badResponse("\(url.absoluteString) does not answer a JSON object.")
        }
        guard let id = document.string("id"),
            WebAddress.url(id).map(WebAddress.withoutFragment)?.absoluteString == response.url.absoluteString
                || id == url.absoluteString
        else { throw RemoteError.badResponse("\(url.absoluteString) answers a document whose id is another address.") }
        return document
    }

    /// A display name from another server: one line, no control or format characters (no
    /// bidirectional overrides, no invisible padding), at most 100 characters.
    static func displayName(_ text: String) -> String {
        let kept = text.unicodeScalars.filter { scalar in
            let category = scalar.properties.generalCategory
            return category != .format && category != .control && category != .privateUse && scalar.value != 0x2800
        }
        return ValidName.clean(String(String.UnicodeScalarView(kept)))
    }

    static let actorTypes: Set<String> = ["Person", "Service", "Application", "Group", "Organization"]

    /// What the node keeps of an actor document that holds the key `keyId`.
    static func actor(from document: ActivityJSON, keyId: String, now: Date) throws -> FediverseActor {
        guard let type = document.type, actorTypes.contains(type) else { throw RemoteError.unauthorized("The key's owner is not an actor.") }
        guard let id = document.string("id"), let idURL = WebAddress.url(id), let host = idURL.host?.lowercased() else {
            throw RemoteError.unauthorized("The actor has no usable id.")
        }
        guard let inbox = document.string("inbox").flatMap(WebAddress.url), inbox.host?.lowercased() == host else {
            throw RemoteError.unauthorized("The actor \(id) has no inbox on its own host.")
        }
        let sharedInbox = document.embedded("endpoints")?.string("sharedInbox").flatMap(WebAddress.url)
        let keys: [ActivityJSON] =
            (document.object["publicKey"] as? [[String: Any]])?.map(ActivityJSON.init) ?? [document.embedded("publicKey")].compactMap { $0 }
        guard let key = keys.first(where: { $0.string("id") == keyId }) else {
            throw RemoteError.unauthorized("The actor \(id) does not hold the key \(keyId.prefix(200)).")
        }
        guard key.string("owner") == id, let pem = key.string("publicKeyPem"), pem.utf8.count <= 16_384,
            (try? _RSA.Signing.PublicKey(pemRepresentation: pem)) != nil
        else { throw RemoteError.unauthorized("The key \(keyId.prefix(200)) is not an RSA key of at least 2048 bits owned by \(id).") }
        // A user name as fediverse addresses have them; anything else gives no handle.
        let rawUser = document.string("preferredUsername") ?? ""
        let user =
            rawUser.count <= 100 && rawUser.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "_.-".unicodeScalars.contains($0) }
                && rawUser.unicodeScalars.allSatisfy(\.isASCII) ? rawUser : ""
        let profile = ActivityJSON.reference(document.object["url"]).flatMap(WebAddress.url)?.absoluteString ?? id
        return FediverseActor(
            actorURL: id, host: host, inbox: inbox.absoluteString,
            sharedInbox: sharedInbox.flatMap { $0.host?.lowercased() == host ? $0.absoluteString : nil },
            handle: user.isEmpty ? "" : "@\(user)@\(host)", name: Self.displayName(document.string("name") ?? user), profileURL: profile,
            iconURL: document.embedded("icon").flatMap { ActivityJSON.reference($0.object["url"]) }.flatMap(WebAddress.url)?.absoluteString ?? "",
            publicKeyId: keyId, publicKeyPem: pem, fetchedAt: now)
    }
}
