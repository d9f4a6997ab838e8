"""splynx-icharge: the Xilo iCharge payment gateway add-on."""
