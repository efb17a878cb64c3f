"""``gridledger staff login-link`` as an administrator runs it, against ``gridledger serve`` as it runs: the link
signs in once in a browser-like client, a second use is refused, and the code appears in no server output."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.console.pages import CSRF
from tests.integration.test_staff_revocation_served import added, gridledger, token_of
from tests.schema.test_first_start import BACKENDS, fresh_database
from tests.support.served import served


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: object) -> None:
        return None


class Browser:
    """Cookies kept, redirects not followed: (status, location, page) of each request."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def open(self, url: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        data = None if form is None else urllib.parse.urlencode(form).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=data), timeout=30) as answer:
                return answer.status, answer.headers.get("Location", ""), answer.read().decode()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.headers.get("Location", ""), refused.read().decode()

    def use(self, link: str) -> tuple[int, str, str]:
        """Open the link and press its button."""
        _, _, page = self.open(link)
        found = CSRF.search(page)
        assert found and "使用此链接登录" in page, page
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["code"][0]
        return self.open(link.split("?")[0], {"csrf_token": found.group(1), "code": code})


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_login_link_signs_in_once_and_is_never_logged(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        gridledger(url, "db", "upgrade")
        token_of(gridledger(url, "staff", "add", "--name", "管理员", "--role", "admin"))
        _, auditor_id = added(gridledger(url, "staff", "add", "--name", "督查组", "--role", "auditor"))
        log = tmp_path / "serve.log"
        with served(url, log) as port:
            base = f"http://127.0.0.1:{port}"
            printed = gridledger(url, "staff", "login-link", auditor_id, "--port", str(port))
            link = token_of(printed)
            assert link.startswith(f"{base}/console/sign-in?code=")
            browser = Browser()
            status, location, _ = browser.use(link)
            assert (status, location) == (302, "/console/")
            status, _, home = browser.open(f"{base}/console/")
            assert status == 200 and "督查组" in home
            status, _, refused = Browser().open(link)
            assert status == 401 and "登录链接无效、已使用或已过期" in refused
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["code"][0]
        assert "/console/sign-in" in log.read_text()  # the requests were logged, their query strings not
        assert code not in log.read_text()
