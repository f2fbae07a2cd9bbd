"""Following the main menu as a person does: open the collapsed menu on a narrow screen,
then the dropdown (「その他」, 「職員向けページ」) that holds the link, then the link."""

from playwright.sync_api import Page


def follow_menu(page: Page, name: str) -> None:
    for label in ("メニューを開く", "Open menu"):
        toggler = page.get_by_role("button", name=label)
        if toggler.is_visible():
            toggler.click()
            break
    menu = page.locator("#mainnav")
    link = menu.get_by_role("link", name=name, exact=True)
    if not link.is_visible():  # in a closed dropdown: hidden, so found with include_hidden
        hidden = page.get_by_role("link", name=name, exact=True, include_hidden=True)
        menu.locator(".dropdown").filter(has=hidden).get_by_role("button").click()
    link.click()
