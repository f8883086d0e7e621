"""Drives the emulator with Microsoft's MSAL for Python (Debian's python3-msal, 1.21), as a
client nobody on this project wrote: tenant discovery, auth code + PKCE through the real sign-in
pages, the token response's scope and MSAL's cache, On-Behalf-Of, the v1 discovery document and
sign-out through its end_session_endpoint (what Microsoft's `identity` package does).

Usage: python3 msal_python_client.py '<json config>'  (REQUESTS_CA_BUNDLE = the emulator's CA).
Prints one JSON object of observations; the Jest test (msal-python.spec.ts) asserts on them.

What MSAL Python 1.21 needs to talk to a host it does not know: `instance_discovery=False`
(otherwise it asks https://login.microsoftonline.com/common/discovery/instance first), and
REQUESTS_CA_BUNDLE so `requests` trusts the emulator's CA. B2C authorities (a path segment
starting with `b2c_`) skip instance discovery by themselves. Against the emulator in transparent
mode (authority https://login.microsoftonline.com/...), `msal_options` is `{}`: MSAL's defaults,
instance discovery included. `client_credentials` adds an app-only token first.
"""

import json
import sys
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlparse

import msal
import requests


class _Form(HTMLParser):
    """The first POST form on a page: its action and hidden fields, and the names it asks for."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}
        self.names = set()
        self.accounts = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None and a.get("method") == "post":
            self.action = a.get("action")
        if tag in ("input", "button") and a.get("name"):
            self.names.add(a["name"])
            if a.get("type") == "hidden":
                self.fields[a["name"]] = a.get("value", "")
            if a["name"] == "account":
                self.accounts.append(a.get("value"))


def _page(response):
    form = _Form()
    form.feed(response.text)
    return form


class Browser:
    """A cookie-keeping browser without JavaScript (the sign-in pages need none)."""

    def __init__(self, origin):
        self.origin = origin
        self.session = requests.Session()

    def open(self, url, user=None, pick_account=False):
        """Follows the emulator's pages until it redirects to the app; returns (pages, params)."""
        pages = []
        response = self.session.get(url, allow_redirects=False)
        for _ in range(10):
            if response.status_code in (302, 303):
                target = urljoin(url, response.headers["Location"])
                if target.startswith(self.origin):
                    response = self.session.get(target, allow_redirects=False)
                    continue
                return pages, dict(parse_qsl(urlparse(target).query))
            form = _page(response)
            if response.status_code != 200 or form.action is None:
                raise RuntimeError("sign-in stopped at HTTP %d" % response.status_code)
            action = urljoin(url, form.action)
            if "passwd" in form.names:
                pages.append("password")
                if user is None:
                    return pages, None
                data = dict(form.fields, login=user["username"], passwd=user["password"])
            elif "account" in form.names:
                pages.append("account picker")
                if not pick_account:
                    return pages, None
                data = dict(form.fields, account=form.accounts[0])
            elif "accept" in form.names:
                pages.append("consent")
                data = dict(form.fields, accept="yes")
            else:
                raise RuntimeError("unexpected page")
            response = self.session.post(action, data=data, allow_redirects=False)
        raise RuntimeError("too many steps")

    def cookie_names(self):
        return sorted({c.name for c in self.session.cookies})


def sign_out(browser, document_url, post_logout_redirect_uri):
    """What Microsoft's `identity` package does: the document's end_session_endpoint."""
    metadata = requests.get(document_url).json()
    response = browser.session.get(
        metadata["end_session_endpoint"],
        params={"post_logout_redirect_uri": post_logout_redirect_uri},
        allow_redirects=False,
    )
    return {
        "issuer": metadata["issuer"],
        "end_session_endpoint": metadata["end_session_endpoint"],
        "status": response.status_code,
        "location": response.headers.get("Location"),
        "cookies_after": browser.cookie_names(),
    }


def run(config):
    origin = config["url"]
    user = config["user"]
    options = config.get("msal_options", {"instance_discovery": False})
    app = msal.ConfidentialClientApplication(
        config["client_id"],
        client_credential=config["client_secret"],
        authority=config["authority"],
        **options,
    )
    out = {"msal_version": msal.__version__}
    if config.get("client_credentials"):
        cc = config["client_credentials"]
        daemon = msal.ConfidentialClientApplication(
            cc["client_id"],
            client_credential=cc["client_secret"],
            authority=config["authority"],
            **options,
        )
        token = daemon.acquire_token_for_client(cc["scopes"])
        out["client_credentials"] = {
            "error": token.get("error"),
            "token_type": token.get("token_type"),
            "access_token": token.get("access_token"),
        }
    # MSAL's own tenant discovery, pointed at the v1 document (no /v2.0).
    v1 = msal.authority.tenant_discovery(
        config["authority"] + "/.well-known/openid-configuration", app.http_client
    )
    out["document"] = {
        k: v1.get(k)
        for k in ("issuer", "authorization_endpoint", "token_endpoint", "end_session_endpoint")
    }

    browser = Browser(origin)
    scopes = config["scopes"]
    flow = app.initiate_auth_code_flow(scopes, redirect_uri=config["redirect_uri"])
    pages, params = browser.open(flow["auth_uri"], user)
    out["first_sign_in_pages"] = pages
    result = app.acquire_token_by_auth_code_flow(flow, params)
    if "access_token" not in result:
        raise RuntimeError("auth code redemption failed: %s" % result.get("error"))
    out["scope"] = result.get("scope")
    out["access_token"] = result["access_token"]
    out["id_token_name"] = result.get("id_token_claims", {}).get("name")

    accounts = app.get_accounts()
    silent = app.acquire_token_silent(scopes, account=accounts[0]) if accounts else None
    out["silent_from_cache"] = bool(silent) and silent["access_token"] == result["access_token"]

    if config.get("prompt"):
        again = app.initiate_auth_code_flow(
            scopes, redirect_uri=config["redirect_uri"], prompt=config["prompt"]
        )
        pages, params = browser.open(again["auth_uri"], user, pick_account=True)
        out["prompt_pages"] = pages
        out["prompt_signed_in"] = "access_token" in app.acquire_token_by_auth_code_flow(
            again, params
        )

    if config.get("obo"):
        api = msal.ConfidentialClientApplication(
            config["obo"]["client_id"],
            client_credential=config["obo"]["client_secret"],
            authority=config["authority"],
            **options,
        )
        obo = api.acquire_token_on_behalf_of(result["access_token"], config["obo"]["scopes"])
        out["obo_scope"] = obo.get("scope")
        out["obo_error"] = obo.get("error")
        out["obo_access_token"] = obo.get("access_token")

    out["cookies_before_sign_out"] = browser.cookie_names()
    out["sign_out"] = sign_out(
        browser,
        config["authority"] + "/.well-known/openid-configuration",
        config["post_logout_redirect_uri"],
    )
    after = app.initiate_auth_code_flow(scopes, redirect_uri=config["redirect_uri"])
    pages, _ = browser.open(after["auth_uri"])
    out["pages_after_sign_out"] = pages
    return out


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
