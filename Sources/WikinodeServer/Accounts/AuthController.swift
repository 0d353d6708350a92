import Foundation
import Hummingbird
import WikinodeCore

/// Signing in and out: `/login` and `/logout`, each a form and its submission, side by side.
struct AuthController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let renderer: TemplateRenderer
    let site: SiteView
    let cookies: SessionCookies
    let csrf: CSRFGuard
    let limiter: LoginRateLimiter
    let hashing: PasswordHashing

    func addRoutes(to router: Router<Context>) {
        router.get("\(NodeAddress.login)", use: loginForm)
        router.post("\(NodeAddress.login)", use: login)
        router.get("\(NodeAddress.logout)", use: logoutForm)
        router.post("\(NodeAddress.logout)", use: logout)
    }

    /// `GET /login?return=PATH&draft=ID`
    @Sendable func loginForm(request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request)
        let notice = query["draft"] != nil ? "Your session had ended. Sign in, and the text you were saving comes back in the editor." : nil
        var response = Response.html("", status: .ok)
        let token = cookies.ensureToken(context.visitor, csrf: csrf, response: &response)
        let view = LoginView(site: site, csrfToken: token, returnPath: Self.localPath(query["return"]), name: "", error: nil, notice: notice)
        response.body = .init(byteBuffer: ByteBuffer(string: try renderer.render(view, template: "login", viewer: context.viewer(for: request))))
        return response
    }

    /// `POST /login` with `name`, `password`, `csrf`, `return`, `draft`.
    @Sendable func login(request: Request, context: Context) async throws -> Response {
        let form = try await FormBody(request)
        try csrf.verify(request, visitor: context.visitor, token: form["csrf"])
        let returnPath = Self.localPath(form["return"])
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        func again(_ error: String, status: HTTPResponse.Status, headers: HTTPFields = [:]) throws -> Response {
            let view = LoginView(
                site: site, csrfToken: context.visitor.csrfToken ?? "", returnPath: returnPath, name: name, error: error, notice: nil)
            var response = Response.html(try renderer.render(view, template: "login", viewer: context.viewer(for: request)), status: status)
            for field in headers { response.headers.append(field) }
            return response
        }
        if let wait = limiter.retryAfter(for: context.visitor.address) {
            return try again(
                "Too many failed sign-ins from your address; try again in \(wait / 60 + 1) minutes.", status: .tooManyRequests,
                headers: [.retryAfter: "\(wait)"])
        }
        guard let user = try await hashing.authenticate(database, name: name, password: form["password"] ?? "") else {
            limiter.recordFailure(for: context.visitor.address)
            return try again("That name and password do not match an account.", status: .unauthorized)
        }
        limiter.recordSuccess(for: context.visitor.address)
        // A new session at sign-in, so a session id known before cannot be used after.
        if let old = context.visitor.secret { try database.deleteSession(secret: old) }
        let (secret, _) = try database.createSession(for: user)
        // Text kept from a lost session (its id is in a cookie of this browser only) comes back.
        var target = returnPath
        if let draftId = request.cookies[SessionMiddleware.draftCookieName]?.value, let saved = try database.draft(draftId),
            let title = try? PageTitle(saved.title)
        {
            target = title.path + NodeAddress.PageSuffix.edit + "?draft=1"
        }
        var response = Response.redirecting(to: target, status: .seeOther)
        response.setCookie(cookies.cookie(for: secret))
        return response
    }

    /// `GET /logout`: a button, since signing out changes state and so is a POST.
    @Sendable func logoutForm(request: Request, context: Context) async throws -> Response {
        guard context.visitor.isSignedIn, let token = context.visitor.csrfToken else {
            return Response.redirecting(to: "/", status: .seeOther)
        }
        let html = try renderer.render(LogoutView(site: site, csrfToken: token), template: "logout", viewer: context.viewer(for: request))
        return Response.html(html, status: .ok)
    }

    /// `POST /logout`
    @Sendable func logout(request: Request, context: Context) async throws -> Response {
        let form = try await FormBody(request)
        try csrf.verify(request, visitor: context.visitor, token: form["csrf"])
        if let secret = context.visitor.secret { try database.deleteSession(secret: secret) }
        var response = Response.redirecting(to: "/", status: .seeOther)
        response.setCookie(cookies.expiredCookie())
        return response
    }

    /// A path on this node to go back to; anything else (other hosts, `//host`) becomes `/`.
    static func localPath(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/\\"),
            !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" })
        else { return "/" }
        return path
    }
}
