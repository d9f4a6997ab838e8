// The item rows of the "Issue invoice" form: add and remove rows, show each row's amount and the total.
// The host parses and computes everything again when the document is issued.
(function () {
  "use strict";
  var form = document.querySelector("[data-document-form]");
  if (!form) { return; }
  var body = form.querySelector("[data-item-rows]");
  var AMOUNT = /^\s*([0-9]{1,12})(?:[.,]([0-9]{1,2}))?\s*$/;

  function cents(text, fallback) {
    var match = AMOUNT.exec(text === "" ? fallback : text);
    if (!match) { return null; }
    return parseInt(match[1], 10) * 100 + parseInt(((match[2] || "0") + "0").slice(0, 2), 10);
  }

  function rows() { return Array.prototype.slice.call(body.querySelectorAll("[data-item-row]")); }

  function field(row, name) { return row.querySelector("input[name='" + name + "']"); }

  function update() {
    var total = 0, complete = true;
    rows().forEach(function (row, index) {
      row.querySelector("[data-item-number]").textContent = String(index + 1);
      var price = cents(field(row, "price").value, "");
      var quantity = cents(field(row, "quantity").value, "1");
      var tax = cents(field(row, "tax").value, "0");
      var cell = row.querySelector("[data-item-amount]");
      if (price === null || quantity === null || tax === null) {
        cell.textContent = "";
        if (field(row, "description").value.trim() || field(row, "price").value.trim()) { complete = false; }
        return;
      }
      // quantity and tax are in hundredths: amount in cents = price × quantity/100 × (1 + tax/10000)
      var amount = Math.round(price * quantity / 100 * (10000 + tax) / 10000);
      total += amount;
      cell.textContent = (amount / 100).toFixed(2);
    });
    form.querySelector("[data-items-total]").textContent = complete ? (total / 100).toFixed(2) : "—";
  }

  form.querySelector("[data-item-add]").addEventListener("click", function () {
    var last = rows()[rows().length - 1];
    var row = last.cloneNode(true);
    row.classList.remove("has-error");
    field(row, "description").value = "";
    field(row, "price").value = "";
    field(row, "quantity").value = "1";
    field(row, "tax").value = "0";
    body.appendChild(row);
    update();
    field(row, "description").focus();
  });

  body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-item-remove]");
    if (!button) { return; }
    var row = button.closest("[data-item-row]");
    var next = row.nextElementSibling;
    if (next && next.classList.contains("item-error")) { next.remove(); }
    if (rows().length > 1) { row.remove(); } else {
      ["description", "price"].forEach(function (name) { field(row, name).value = ""; });
    }
    update();
  });

  body.addEventListener("input", update);
  update();
})();
