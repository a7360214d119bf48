"""The three-step CSV import wizard and its run/summary step (see `wizard.ImportWizard`)."""

from kafinea_tui.screens.import_wizard.wizard import ImportWizard

__all__ = ["ImportWizard"]
