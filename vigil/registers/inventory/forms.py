"""The hardware form, with errors that list the accepted types and methods."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.registers.forms import DateInput, RegisterForm
from vigil.registers.inventory.models import Hardware

HARDWARE_FIELDS = (
    "kind",
    "name",
    "make",
    "model",
    "serial_number",
    "inventory_tag",
    "site",
    "room",
    "user_or_owner",
    "ksz_flows",
    "purchase_date",
    "disposal_date",
    "disposal_method",
    "notes",
)


class HardwareForm(RegisterForm):
    class Meta:
        model = Hardware
        fields = HARDWARE_FIELDS
        widgets = {
            "purchase_date": DateInput,
            "disposal_date": DateInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "kind": {
                "invalid_choice": _(
                    "%(value)s is not a hardware type. Use desktop, laptop, "
                    "server, network, printer, phone, tablet, storage or other."
                )
            },
            "disposal_method": {
                "invalid_choice": _(
                    "%(value)s is not a disposal method. Use wiped_recycled, "
                    "destroyed, returned, sold or other."
                )
            },
        }
