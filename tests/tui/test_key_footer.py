"""The footer of keys keeps its key widgets while the keys it shows stay the same, and shows a
rebinding as soon as the keymap changes (kafinea_tui/widgets/key_footer.py)."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from kafinea_tui.app import KafineaApp
from kafinea_tui.widgets.key_footer import KeyFooter
from tests.tui.pilot_helpers import settle, until

SIZE = (100, 16)


def shown(bar: KeyFooter) -> dict[str, str]:
    """The footer's keys as description -> key."""
    return {key.description: key.key for key in bar.query(FooterKey)}


async def test_the_footer_is_rebuilt_only_when_its_keys_change(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyFooter)
        before = list(bar.query(FooterKey))
        assert shown(bar)["Next page"] != "n"
        app.screen.refresh_bindings()  # nothing changed: the same widgets stay
        await pilot.pause()
        await pilot.pause()
        after = list(bar.query(FooterKey))
        assert len(after) == len(before)
        assert all(a is b for a, b in zip(after, before, strict=True))
        app.update_keymap({"go_next_page": "n"})
        await until(pilot, lambda: shown(bar).get("Next page") == "n")
        assert shown(bar)["Next page"] == "n"
