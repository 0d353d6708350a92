import Mustache

/// A view model that names its fields to templates itself (swift-mustache's `MustacheParent`),
/// so that rendering it needs no reflection: the views on the path of every page view. Each
/// must answer for every stored property; debug builds check this on every render
/// (`TemplateContext.missingField`), so a forgotten field fails the tests instead of leaving a
/// blank in a page.
protocol TemplateFields: MustacheParent {}

extension PageView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "site": site
        case "title": title
        case "html": html
        case "tools": tools
        case "canonicalURL": canonicalURL
        case "lastChange": lastChange
        case "backlinks": backlinks
        case "hasBacklinks": hasBacklinks
        case "isFrontPage": isFrontPage
        case "fediverseAddress": fediverseAddress
        case "published": published
        case "post": post
        case "latestPosts": latestPosts
        case "hasLatestPosts": hasLatestPosts
        case "twins": twins
        case "hasTwins": hasTwins
        case "remoteBacklinks": remoteBacklinks
        case "hasRemoteBacklinks": hasRemoteBacklinks
        case "responses": responses
        case "replyTargets": replyTargets
        case "hasReplyTargets": hasReplyTargets
        case "trackbackRDF": trackbackRDF
        default: nil
        }
    }
}

extension PageView.PostInfo: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "permalink": permalink
        case "date": date
        case "isDraft": isDraft
        case "isScheduled": isScheduled
        default: nil
        }
    }
}

extension RevisionView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "kind": kind
        case "title": title
        case "summary": summary
        case "hasSummary": hasSummary
        case "author": author
        case "date": date
        case "byteCount": byteCount
        case "path": path
        case "diffPath": diffPath
        case "isCurrent": isCurrent
        case "forkedFrom": forkedFrom
        case "forkedRevision": forkedRevision
        default: nil
        }
    }
}

/// Not `TemplateFields`: templates see the base URL (computed) and not the time zone or the
/// URL's holder.
extension SiteView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "baseURL": baseURL
        case "ownerName": ownerName
        default: nil
        }
    }
}

extension DateView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "iso": iso
        case "text": text
        default: nil
        }
    }
}

extension PageLinkView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "path": path
        case "isMissing": isMissing
        default: nil
        }
    }
}

extension PageToolsView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "path": path
        case "historyPath": historyPath
        case "linksPath": linksPath
        case "sourcePath": sourcePath
        case "historyFeedPath": historyFeedPath
        case "editPath": editPath
        case "threadPath": threadPath
        case "graphPath": graphPath
        default: nil
        }
    }
}

extension ViewerView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "isSignedIn": isSignedIn
        case "name": self.name
        case "signInPath": signInPath
        default: nil
        }
    }
}

extension TwinView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "peerName": peerName
        case "peerURL": peerURL
        case "remoteURL": remoteURL
        case "author": author
        case "date": date
        case "relation": relation
        case "isNewer": isNewer
        case "isSameText": isSameText
        case "viewPath": viewPath
        case "diffPath": diffPath
        case "forkPath": forkPath
        case "replyPath": replyPath
        default: nil
        }
    }
}

extension RemoteLinkView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "peerName": peerName
        case "peerURL": peerURL
        case "title": title
        case "url": url
        default: nil
        }
    }
}

extension PostEntryView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "permalink": permalink
        case "absolutePermalink": absolutePermalink
        case "html": html
        case "date": date
        case "author": author
        case "tags": tags
        case "hasTags": hasTags
        case "isDraft": isDraft
        case "isScheduled": isScheduled
        case "pagePath": pagePath
        default: nil
        }
    }
}

extension TagView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "path": path
        default: nil
        }
    }
}
