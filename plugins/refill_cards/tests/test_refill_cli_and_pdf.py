"""``splynx refill-cards`` commands, and the PDF's QR codes decoding to the printed codes."""

import csv
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from refill_helpers import balance_of, pdf_text

from hostapp.cli import CLIContext, cli
from splynx_refill_cards.export.pdf import FIXED_MASK_FROM, write_pdf
from splynx_refill_cards.export.writers import CardLine
from splynx_testing.machine import require_tool

NEXT_YEAR = (date.today() + timedelta(days=365)).isoformat()


@pytest.fixture
def run(refill):
    def invoke(*args):
        obj = CLIContext()
        obj._host = refill
        return CliRunner().invoke(cli, list(args), obj=obj, catch_exceptions=False)

    return invoke


def test_cli_generate_export_redeem_report(refill, run, factory, tmp_path):
    customer = factory.customer()
    result = run("refill-cards", "generate", "--quantity", "12", "--prefix", "SHOP", "--price", "5.25",
                 "--valid-until", NEXT_YEAR)
    series_id = date.today().year * 100 + 1
    assert result.exit_code == 0 and f"Series {series_id}: 12 cards of 5.25 generated." in result.output
    out = tmp_path / "cards.csv"
    assert run("refill-cards", "export", str(series_id), "--format", "csv", "--output", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 12 and rows[0]["Price"] == "5.25" and rows[0]["Status"] == "active"
    redeemed = run("refill-cards", "redeem", rows[3]["Full code"], "--customer", str(customer.id))
    assert redeemed.exit_code == 0 and "redeemed: 5.25 credited" in redeemed.output
    assert balance_of(refill.db, customer.id) == Decimal("5.25")
    again = run("refill-cards", "redeem", rows[3]["Full code"], "--customer", str(customer.id))
    assert again.exit_code == 1 and "already redeemed for your account" in again.output
    report = run("refill-cards", "report").output.splitlines()
    assert report[1].split()[:9] == [str(series_id), "Any", "5.25", "12", "1", "11", "0", "0", "5.25"]
    pdf = tmp_path / "cards.pdf"
    assert run("refill-cards", "export", str(series_id), "--format", "pdf", "--output", str(pdf)).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_cli_refuses_bad_input(run):
    bad = run("refill-cards", "generate", "--quantity", "0", "--prefix", "A B", "--price", "x", "--valid-until", "soon")
    assert bad.exit_code == 1
    for words in ("whole number of cards", "letters, digits", "price greater than 0", "YYYY-MM-DD"):
        assert words in bad.output
    assert "does not exist" in run("refill-cards", "export", "190001").output


def _lines(n):
    return [CardLine(i, 202601, f"202601-QR-{i:08d}Ab", Decimal("10.00"), date(2030, 1, 31), "active", None, "")
            for i in range(1, n + 1)]


@pytest.mark.parametrize("count", [14, FIXED_MASK_FROM])
def test_pdf_qr_codes_decode_to_the_printed_codes(tmp_path: Path, count):
    pdftoppm, zbarimg = require_tool("pdftoppm", "poppler-utils"), require_tool("zbarimg", "zbar-tools")
    pdf = tmp_path / "cards.pdf"
    write_pdf(pdf, _lines(count), lambda n: None, total=count, title="Refill card", currency="$")
    subprocess.run([pdftoppm, "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    decoded = subprocess.run([zbarimg, "-q", "--raw", str(next(tmp_path.glob("p*.png")))],
                             capture_output=True, text=True).stdout.split()
    assert sorted(decoded) == sorted(line.full_code for line in _lines(14))
    text = pdf_text(pdf.read_bytes(), "-f", "1", "-l", "1")
    assert "Valid until 2030-01-31" in text and "Serie: 202601" in text and "ID: 14" in text
