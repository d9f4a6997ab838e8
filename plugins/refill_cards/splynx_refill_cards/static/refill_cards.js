// Refill cards: live customer search in the "Redeem card" modal (after three characters).
(function () {
  "use strict";
  const input = document.querySelector("[data-customer-search]");
  const results = document.querySelector("[data-customer-results]");
  if (!input || !results) return;
  const minLength = parseInt(input.dataset.minLength, 10) || 3;
  const hiddenQuery = document.querySelector(".refill-redeem-form input[name=q]");
  let timer = null;

  function option(customer, checked) {
    const label = document.createElement("label");
    label.className = "switch";
    const radio = document.createElement("input");
    radio.type = "radio"; radio.name = "customer_id"; radio.value = customer.id; radio.checked = checked;
    const muted = document.createElement("span");
    muted.className = "muted";
    muted.textContent = "#" + customer.id + " · " + customer.login + " · " + customer.partner;
    label.append(radio, " " + customer.name + " ", muted);
    return label;
  }

  function show(customers, query) {
    if (!customers.length) {
      const p = document.createElement("p");
      p.className = "muted"; p.textContent = "No customer matches “" + query + "”.";
      results.replaceChildren(p);
      return;
    }
    results.replaceChildren(...customers.map((c, i) => option(c, i === 0)));
  }

  function search() {
    clearTimeout(timer);
    const query = input.value.trim();
    if (hiddenQuery) hiddenQuery.value = query;
    if (query.length < minLength) { results.replaceChildren(); return; }
    timer = setTimeout(function () {
      fetch(input.dataset.customerSearch + "?q=" + encodeURIComponent(query), { headers: { "X-Requested-With": "fetch" } })
        .then((r) => r.json())
        .then((customers) => { if (input.value.trim() === query) show(customers, query); });
    }, 250);
  }

  input.addEventListener("input", search);
  // typed before this script ran (a window's scripts load after its content): search for it now
  if (input.value.trim() && !results.children.length) search();
})();
