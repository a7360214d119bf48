"""The endpoint form of the sync panel: add an endpoint, or edit the one under the cursor.

Name, URL, signing secret (or a new one), format, retries, timeout and headers. Saving checks
the whole config.toml as `kafinea-tui automation check` does (sync/config/endpoint_edit.py) in a
worker: a refused value shows the check's sentence and the form stays open to correct it.
It dismisses with the saved sentence, or None when cancelled; the panel then reloads the
engine. config.toml is rewritten from its data, so its comments are not kept (the note says so).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from kafinea_tui.backend.automation import Automation
from kafinea_tui.screens.config_form import ConfigFormScreen
from kafinea_tui.sync.config.endpoint_edit import (
    FORMATS,
    EndpointForm,
    entry_of,
    new_secret,
)
from kafinea_tui.sync.config.model import Endpoint
from kafinea_tui.widgets.plain import PlainSelect
from kafinea_tui.work import reports

NOTE = (
    "Saved to config.toml, whose other keys are kept; its comments are not (the file is "
    "rewritten from its data)."
)
INPUTS = ("name", "url", "secret", "retries", "timeout")


class EndpointFormScreen(ConfigFormScreen):
    DEFAULT_CSS = """
    EndpointFormScreen #endpoint-form { width: 80; }
    EndpointFormScreen #endpoint-title { text-style: bold; }
    EndpointFormScreen #endpoint-secret-row { height: auto; }
    EndpointFormScreen #endpoint-secret { width: 1fr; }
    EndpointFormScreen #endpoint-headers { height: 5; }
    """

    PREFIX = "endpoint"

    def __init__(
        self, automation: Automation, endpoint: Endpoint | None, kept: str | None = None
    ) -> None:
        """`kept`: what the form does not show and an empty field keeps (a server's secret
        and header values, which its API never sends)."""
        super().__init__()
        self.automation = automation
        self.kept = kept
        self.old_name = endpoint.name if endpoint else None
        self.form = EndpointForm.of(endpoint) if endpoint else EndpointForm()

    def compose(self) -> ComposeResult:
        title = f"Endpoint {self.old_name}" if self.old_name else "New endpoint"
        form = self.form
        with VerticalScroll(id="endpoint-form", classes="config-form"):
            yield Static(title, id="endpoint-title", markup=False)
            yield self.note(NOTE)
            if self.kept is not None:
                yield Static(self.kept, id="endpoint-kept", classes="config-note", markup=False)
            yield Label("Name (workflows and schedules name it)")
            yield Input(form.name, placeholder="factory", id="endpoint-name")
            yield Label("URL")
            yield Input(form.url, placeholder="https://factory.example/hooks", id="endpoint-url")
            yield Label("Secret (whsec_…, signs deliveries; empty: unsigned)")
            with Horizontal(id="endpoint-secret-row"):
                yield Input(form.secret, id="endpoint-secret")
                yield Button("New secret", id="endpoint-new-secret")
            yield Label("Format")
            yield PlainSelect(
                [(f, f) for f in FORMATS],
                value=form.format,
                allow_blank=False,
                id="endpoint-format",
            )
            yield Label("Retries (default 5) and timeout in seconds (default 10)")
            with Horizontal(id="endpoint-numbers"):
                yield Input(form.retries, placeholder="5", id="endpoint-retries")
                yield Input(form.timeout, placeholder="10", id="endpoint-timeout")
            yield Label("Headers, one a line: Name: value")
            yield TextArea(form.headers, id="endpoint-headers")
            yield from self.error_and_buttons("Save")

    def on_mount(self) -> None:
        self.query_one("#endpoint-numbers").styles.height = "auto"
        self.query_one("#endpoint-name", Input).focus()

    @on(Button.Pressed, "#endpoint-new-secret")
    def _new_secret(self) -> None:
        self.query_one("#endpoint-secret", Input).value = new_secret()

    def typed(self) -> EndpointForm:
        """What the fields hold now."""
        values = {name: self.query_one(f"#endpoint-{name}", Input).value for name in INPUTS}
        return EndpointForm(
            **values,
            format=str(self.query_one("#endpoint-format", Select).value),
            headers=self.query_one("#endpoint-headers", TextArea).text,
        )

    @on(Button.Pressed, "#endpoint-save")
    @on(Input.Submitted)
    def submit(self) -> None:
        self.saving()
        self._save(self.typed())

    @work(thread=True, exclusive=True, group="endpoint-save")
    @reports
    def _save(self, form: EndpointForm) -> None:
        sentence = self.automation.save_endpoint(entry_of(form), self.old_name)
        self.post_message(self.Saved(sentence))
