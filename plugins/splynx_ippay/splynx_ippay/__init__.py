"""splynx-ippay: the IPpay payment gateway add-on (cards and bank accounts, tokenised)."""
