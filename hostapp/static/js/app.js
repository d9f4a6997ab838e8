// splynx-host: modals and in-page add-on panels (content loaded into the page, no iframes),
// confirm dialogs, the sidebar's submenus, live job progress.
(function () {
  "use strict";

  const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), ' +
                    'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  //: the header every in-page load sends: the layouts then keep their flash messages for the real page
  const LOAD_HEADERS = { "X-Requested-With": "fetch", "X-Splynx-Modal": "1" };
  const layers = [];  // open modals, the top one last

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function button(label, cls, onClick) {
    const b = el("button", "btn " + cls, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // --- modals: each one a layer over the whole page; a confirm opened from a modal covers it too ---
  function openModal({ title, body, width, footer }) {
    const root = el("div", "modal-backdrop open");
    const box = el("div", "modal");
    const titleId = "modal-title-" + (layers.length + 1);
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-labelledby", titleId);
    box.style.width = (width || 600) + "px";
    const head = el("header");
    const heading = el("h2", "modal-title", title || "");
    heading.id = titleId;
    const close = el("button", "close");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.dataset.modalClose = "";
    close.innerHTML = '<i class="fa fa-times" aria-hidden="true"></i>';
    head.append(heading, close);
    const bodyEl = el("div", "modal-body");
    bodyEl.append(...(Array.isArray(body) ? body : [body]).filter(Boolean));
    const foot = el("footer");
    foot.append(...(footer || []));
    foot.hidden = !(footer && footer.length);
    box.append(head, bodyEl, foot);
    root.append(box);
    root.returnFocus = document.activeElement;
    document.body.append(root);
    document.body.classList.add("modal-open");
    layers.push(root);
    focusFirst(root);
    return root;
  }

  function focusFirst(root) {
    const body = root.querySelector(".modal-body");
    const target = body.querySelector("[autofocus]") || body.querySelector(FOCUSABLE) ||
                   root.querySelector("footer:not([hidden]) " + FOCUSABLE) || root.querySelector(".close");
    if (target) target.focus();
  }

  function closeModal() {
    const root = layers.pop();
    if (!root) return;
    root.remove();
    if (!layers.length) document.body.classList.remove("modal-open");
    if (root.dataset.reloadOnClose) { window.location.reload(); return; }
    if (root.returnFocus && root.returnFocus.isConnected) root.returnFocus.focus();
  }
  window.splynxModal = { open: openModal, close: closeModal, el: el, button: button };

  // Tab and Shift+Tab stay inside the top modal; Escape closes it
  document.addEventListener("keydown", function (ev) {
    const top = layers[layers.length - 1];
    if (!top) return;
    if (ev.key === "Escape") { ev.preventDefault(); closeModal(); return; }
    if (ev.key !== "Tab") return;
    const items = Array.from(top.querySelectorAll(FOCUSABLE)).filter((n) => n.offsetParent !== null);
    if (!items.length) { ev.preventDefault(); return; }
    const first = items[0], last = items[items.length - 1];
    if (!top.contains(document.activeElement)) { ev.preventDefault(); first.focus(); }
    else if (ev.shiftKey && document.activeElement === first) { ev.preventDefault(); last.focus(); }
    else if (!ev.shiftKey && document.activeElement === last) { ev.preventDefault(); first.focus(); }
  });

  // --- regions: a modal body or an add-on panel showing a page of this app, loaded with fetch ---
  // The page answers with its bare layout (body.bare) or a fragment of its own; links and forms
  // inside stay in the region. A full host page (e.g. the list a form redirects to when it is
  // done, or the login page) replaces the whole page; an error page shows as an error in the region.
  function showIn(region, nodes) {
    region.replaceChildren(...nodes);
    // a new page in a modal opens at its top, wherever the previous one was scrolled to
    // (e.g. a long form submitted from its bottom button)
    const layer = region.closest(".modal-backdrop");
    if (layer) { layer.scrollTop = 0; layer.querySelector(".modal-body").scrollTop = 0; }
    region.dispatchEvent(new CustomEvent("splynx:loaded", { bubbles: true }));
  }

  function errorBox(text) { return el("div", "alert alert-error", text); }

  function load(region, url, init) {
    region.setAttribute("aria-busy", "true");
    return fetch(url, Object.assign({ credentials: "same-origin" }, init || {}, { headers: LOAD_HEADERS }))
      .then(function (r) {
        const type = r.headers.get("Content-Type") || "";
        if (!type.startsWith("text/html")) { window.location.assign(r.url); return; }
        return r.text().then(function (html) {
          const doc = new DOMParser().parseFromString(html, "text/html");
          // one of the host's own pages with its menus (a list, the login page, an error page)
          const fullPage = doc.querySelector('meta[name="csrf-token"]') && !doc.body.classList.contains("bare");
          if (fullPage) {
            if (r.ok && closeIntoLayerBelow(region)) return;
            if (r.ok) { window.location.assign(r.url); return; }
            const heading = doc.querySelector("h1");
            showIn(region, [errorBox((heading ? heading.textContent.trim() + ": " : "") +
                                     `the server answered ${r.status}.`)]);
            return;
          }
          // a form in a modal that is done redirects to what the modal was opened from: show it there
          const behind = r.redirected && r.ok ? behindAt(region, r.url) : null;
          if (behind === document) { closeOnto(region, doc, r.url); return; }
          if (behind) { closeDone(region); markChanged(behind); region = behind; }
          region.dataset.url = r.url;
          const scripts = Array.from(doc.body.querySelectorAll("script[src]"));
          scripts.forEach((s) => s.remove());
          const styles = Array.from(doc.head.querySelectorAll("link[rel=stylesheet]"))
            .filter((link) => !document.querySelector(`link[rel=stylesheet][href="${link.getAttribute("href")}"]`));
          showIn(region, [...styles, ...Array.from(doc.body.childNodes).map((n) => document.importNode(n, true))]);
          // the page's own scripts run again for the new content (their src is this app's: CSP allows them)
          scripts.filter((s) => !document.querySelector(`body > script[src="${s.getAttribute("src")}"]`))
            .forEach(function (s) { const fresh = el("script"); fresh.src = s.getAttribute("src"); region.append(fresh); });
          initContent(region);
          if (region.querySelector("[data-refresh-behind]")) refreshBehind(region);
        });
      })
      .catch((err) => showIn(region, [errorBox("The page could not be loaded: " + err.message)]))
      .finally(() => region.removeAttribute("aria-busy"));
  }

  function regionOf(node) { return node.closest && node.closest("[data-region]"); }

  // The region of the modal under the one holding ``region`` (a dialog opened from a dialog), or null.
  function regionBelow(region) {
    const index = layers.indexOf(region.closest(".modal-backdrop"));
    return index > 0 ? layers[index - 1].querySelector("[data-region]") : null;
  }

  // Close the top modal, whose form is done, without reloading the page: what it changed is shown fresh.
  function closeDone(region) {
    delete region.closest(".modal-backdrop").dataset.reloadOnClose;
    closeModal();
  }

  // What a modal holding ``region`` was opened from, when it shows the page at ``url``: the region
  // of the modal below, or the document (the page itself); else null.
  function behindAt(region, url) {
    const layer = region.closest(".modal-backdrop");
    if (!layer || layers[layers.length - 1] !== layer) return null;
    const path = new URL(url).pathname;
    const below = regionBelow(region);
    if (below) return below.dataset.url && new URL(below.dataset.url).pathname === path ? below : null;
    return window.location.pathname === path ? document : null;
  }

  // The modal's form redirected to the page behind it (loaded as a modal body, ``doc``): close the
  // modal, swap the page's live parts for the fresh ones and show the form's messages; a page
  // without live parts is loaded again.
  function closeOnto(region, doc, url) {
    const parts = liveParts(document);
    const content = document.querySelector("main.content");
    if (!parts.length || !content) { window.location.assign(url); return; }
    closeDone(region);
    swapParts(parts, doc);
    content.querySelectorAll(":scope > .alert").forEach((a) => a.remove());
    content.prepend(...Array.from(doc.body.querySelectorAll(":scope > .alert")).map((a) => document.importNode(a, true)));
  }

  // A form in a dialog opened from another dialog is done (it answered with a whole page, the list
  // it redirects to): close it and show the dialog below again, fresh, with the form's message.
  function closeIntoLayerBelow(region) {
    const below = regionBelow(region);
    if (!below || layers[layers.length - 1] !== region.closest(".modal-backdrop")) return false;
    closeDone(region);
    markChanged(below);
    load(below, below.dataset.url);
    return true;
  }

  // the modal holding ``region`` shows what a form changed: the page under it is loaded again when it closes
  function markChanged(region) {
    region.closest(".modal-backdrop").dataset.reloadOnClose = "1";
  }

  // Content loaded into a modal says it changed what the page or dialog behind shows
  // ([data-refresh-behind], e.g. a card redeemed): that page's live parts are fetched again now,
  // not when the modal closes.
  function refreshBehind(region) {
    const layer = region.closest(".modal-backdrop");
    if (!layer) return;
    const below = regionBelow(region);
    const done = below ? refreshParts(below, below.dataset.url, LOAD_HEADERS)
                       : refreshParts(document, window.location.href, { "X-Requested-With": "fetch" });
    done.then(() => { delete layer.dataset.reloadOnClose; }).catch(() => undefined);
  }

  function openUrlModal(url, { title, width }) {
    const body = el("div", "region");
    body.dataset.region = "modal";
    body.append(el("p", "muted", "Loading …"));
    const root = openModal({ title: title, body: body, width: width });
    load(body, url).then(() => { if (layers.includes(root)) focusFirst(root); });
    return root;
  }
  window.splynxLoad = load;

  document.addEventListener("submit", function (ev) {
    const form = ev.target;
    const region = regionOf(form);
    if (ev.defaultPrevented || form.dataset.submitting || !region || form.getAttribute("target") ||
        form.hasAttribute("data-native")) return;
    ev.preventDefault();
    const method = (form.getAttribute("method") || "get").toUpperCase();
    // attributes, not form.action: a field named "action" would shadow the property
    const action = new URL(form.getAttribute("action") || "", region.dataset.url || window.location.href).toString();
    const data = new FormData(form, ev.submitter || undefined);
    const layer = region.closest(".modal-backdrop");
    if (layer && method === "POST") layer.dataset.reloadOnClose = "1";  // the page behind shows the change
    if (method === "GET") {
      const url = new URL(action);
      url.search = new URLSearchParams(data).toString();
      load(region, url.toString());
    } else {
      load(region, action, { method: method, body: data });
    }
  });

  document.addEventListener("click", function (ev) {
    // a link that opens its URL in a modal of the entry point's size
    const link = ev.target.closest("[data-modal-url]");
    if (link) {
      ev.preventDefault();
      let url = link.dataset.modalUrl;
      // an action on the ticked rows: their values go along as ?ids=1,2,3
      if (link.dataset.modalChecked) {
        const ticked = Array.from(document.querySelectorAll(`input[name="${link.dataset.modalChecked}"]:checked`));
        if (!ticked.length) {
          openModal({ title: link.dataset.modalTitle, body: el("p", "", link.dataset.modalEmpty || "Tick at least one row first."),
                      width: 420, footer: [button("OK", "btn-primary", closeModal)] });
          return;
        }
        url += (url.includes("?") ? "&" : "?") + "ids=" + ticked.map((b) => b.value).join(",");
      }
      openUrlModal(url, { title: link.dataset.modalTitle, width: parseInt(link.dataset.modalWidth, 10) });
      return;
    }
    // a form guarded by a confirm dialog
    const guarded = ev.target.closest("[data-confirm]");
    if (guarded && !guarded.dataset.confirmed) {
      ev.preventDefault();
      const extra = guarded.dataset.confirmDetails ? document.getElementById(guarded.dataset.confirmDetails) : null;
      const body = [el("p", "", guarded.dataset.confirm), extra ? extra.content.cloneNode(true) : null];
      openModal({
        title: guarded.dataset.confirmTitle || "Confirm", body: body, width: 520,
        footer: [
          button("No, cancel", "", closeModal),
          button(guarded.dataset.confirmOk || "OK, confirm", "btn-primary", function () {
            guarded.dataset.confirmed = "1"; closeModal(); guarded.click(); delete guarded.dataset.confirmed;
          }),
        ],
      });
      return;
    }
    // a plain link inside a region stays in it (tabs of a dialog, the next page of a list)
    const inner = ev.target.closest("a[href]");
    const region = inner && regionOf(inner);
    if (region && !inner.target && !inner.hasAttribute("download") && !ev.ctrlKey && !ev.metaKey && !ev.shiftKey) {
      const url = new URL(inner.href, window.location.href);
      if (url.origin === window.location.origin && !inner.getAttribute("href").startsWith("#")) {
        ev.preventDefault();
        load(region, url.toString());
        return;
      }
    }
    const reload = ev.target.closest("[data-region-reload]");
    if (reload) { const r = document.getElementById(reload.dataset.regionReload); load(r, r.dataset.url); return; }
    if (ev.target.closest("[data-modal-close]")) { closeModal(); return; }
    const top = layers[layers.length - 1];
    if (top && ev.target === top) closeModal();  // a click on the backdrop
  });

  // an add-on page shown inside a host page: loaded once the page is there; a modal link marked
  // data-modal-open opens then (e.g. the cards of a series just generated, over the list of series)
  function openOnLoad() {
    document.querySelectorAll("[data-region][data-load-url]").forEach((r) => load(r, r.dataset.loadUrl));
    const opening = document.querySelector("[data-modal-url][data-modal-open]");
    if (opening) openUrlModal(opening.dataset.modalUrl, { title: opening.dataset.modalTitle,
                                                          width: parseInt(opening.dataset.modalWidth, 10) });
  }

  // --- the sidebar: groups open and close (click, Enter, Space) and stay as the user left them;
  // the group of the current page is always open. The menu button shows the sidebar on a phone. ---
  const MENU_STATE = "splynx.menu";
  function menuState() {
    try { return JSON.parse(window.localStorage.getItem(MENU_STATE)) || {}; } catch (err) { return {}; }
  }
  function setGroup(toggle, open) {
    toggle.setAttribute("aria-expanded", String(open));
    document.getElementById(toggle.getAttribute("aria-controls")).hidden = !open;
  }
  function restoreMenu() {
    const remembered = menuState();
    document.querySelectorAll("[data-submenu-toggle]").forEach(function (toggle) {
      const id = toggle.getAttribute("aria-controls");
      const holdsCurrent = document.getElementById(id).querySelector("[aria-current=page]");
      if (id in remembered && !holdsCurrent) setGroup(toggle, remembered[id]);
    });
  }
  document.addEventListener("click", function (ev) {
    const toggle = ev.target.closest("[data-submenu-toggle]");
    if (toggle) {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      setGroup(toggle, open);
      const state = menuState();
      state[toggle.getAttribute("aria-controls")] = open;
      try { window.localStorage.setItem(MENU_STATE, JSON.stringify(state)); } catch (err) { /* private mode */ }
      return;
    }
    const menu = ev.target.closest("[data-sidebar-toggle]");
    if (menu) {
      const open = document.body.classList.toggle("sidebar-open");
      menu.setAttribute("aria-expanded", String(open));
    }
  });

  // a "select all" box ticks every box of its group
  document.addEventListener("change", function (ev) {
    const group = ev.target.dataset && ev.target.dataset.checkAll;
    if (group) document.querySelectorAll(`input[type=checkbox][name="${group}"]`).forEach((b) => { b.checked = ev.target.checked; });
  });

  // a select with data-shows="<group>" shows (and enables) only the fieldsets of its group whose
  // data-show-value is its value, e.g. the parameters of the chosen charge handler
  function syncShown(select) {
    document.querySelectorAll(`[data-show-group="${select.dataset.shows}"]`).forEach(function (el) {
      const on = el.dataset.showValue === select.value;
      el.hidden = !on;
      el.disabled = !on;
    });
  }
  document.addEventListener("change", function (ev) { if (ev.target.dataset && ev.target.dataset.shows) syncShown(ev.target); });

  // a select that reloads the page with its value as a query parameter (e.g. the Partner selector)
  document.addEventListener("change", function (ev) {
    const param = ev.target.dataset && ev.target.dataset.navParam;
    if (!param) return;
    const region = regionOf(ev.target);
    const url = new URL(region ? region.dataset.url : window.location.href);
    url.searchParams.set(param, ev.target.value);
    url.searchParams.delete("page");
    if (region) load(region, url.toString());
    else window.location.assign(url.toString());
  });

  // one submit per form: a second click while the first is in flight does nothing
  // (a button that submits into a frame, such as a preview, leaves the page and the form as they are)
  document.addEventListener("submit", function (ev) {
    const form = ev.target;
    if (ev.submitter && ev.submitter.getAttribute("formtarget")) return;
    if (form.dataset.submitting) { ev.preventDefault(); return; }
    form.dataset.submitting = "1";
    // disabled after the browser collected the form data, so the clicked button's name=value is sent
    setTimeout(() => form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; }), 0);
  });

  // Parts of a page that show what a job changes (a batch's status, sums, rows and buttons; the
  // add-on catalog) carry data-live-part="name". While the job runs and once more when it ends,
  // the page is fetched again (data-live-src of the enclosing element, else the address of the
  // modal or panel the job panel was loaded into, else this page's address) and each part is
  // swapped for its fresh server-rendered copy.
  function refreshLiveParts(panel) {
    const scope = panel.closest("[data-live-src]");
    const region = panel.closest("[data-region]");
    const root = scope || region || document;
    const url = scope ? scope.dataset.liveSrc : (region && region.dataset.url) || window.location.href;
    return refreshParts(root, url, { "X-Requested-With": "fetch" });
  }
  window.splynxRefreshLiveParts = refreshLiveParts;

  // Swap the live parts of ``root`` (the page's own when root is the document, not those of a
  // modal over it) for their fresh copies in the page at ``url``.
  function refreshParts(root, url, headers) {
    const parts = liveParts(root);
    if (!parts.length) return Promise.resolve();
    return fetch(url, { credentials: "same-origin", headers: headers })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then((html) => swapParts(parts, new DOMParser().parseFromString(html, "text/html")));
  }

  // the live parts of ``root``; of the document, those of the page itself (not of a modal over it)
  function liveParts(root) {
    return Array.from(root.querySelectorAll("[data-live-part]"))
      .filter((part) => root !== document || !part.closest(".modal-backdrop"));
  }

  // each part replaced by its namesake in ``fresh`` (a parsed page)
  function swapParts(parts, fresh) {
    parts.forEach(function (old) {
      const next = fresh.querySelector(`[data-live-part="${old.dataset.livePart}"]`);
      if (next) old.replaceWith(document.importNode(next, true));
    });
  }

  const LIVE_EVERY_MS = 2000;

  // a job panel polls its JSON status until the job ends, refreshing the page's live parts
  function watchJob(panel) {
    const url = panel.dataset.jobUrl;
    const bar = panel.querySelector(".bar");
    const log = panel.querySelector("pre.console");
    const status = panel.querySelector("[data-job-status]");
    let seen = "", refreshedAt = Date.now();
    function tick() {
      if (!panel.isConnected) return;  // its modal was closed
      fetch(url, { headers: { "X-Requested-With": "fetch" } })
        .then((r) => r.json())
        .then(function (job) {
          bar.style.width = job.progress + "%";
          bar.textContent = job.progress + "%";
          if (log) { log.textContent = job.log; log.scrollTop = log.scrollHeight; }
          if (status) status.textContent = job.status;
          const finished = job.status === "succeeded" || job.status === "failed";
          const state = job.status + ":" + job.progress + ":" + job.log;
          const due = finished || (state !== seen && Date.now() - refreshedAt >= LIVE_EVERY_MS);
          seen = state;
          const refreshed = due ? refreshLiveParts(panel).catch(() => undefined) : Promise.resolve();
          if (due) refreshedAt = Date.now();
          if (finished) {
            bar.classList.add(job.status === "failed" ? "failed" : "done");
            panel.dataset.jobFinished = job.status;
            refreshed.then(function () {
              const after = panel.querySelector("[data-after-job]");
              if (after) after.hidden = false;
              panel.dispatchEvent(new CustomEvent("job-finished", { bubbles: true, detail: job }));
            });
          } else {
            setTimeout(tick, 700);
          }
        })
        .catch(() => setTimeout(tick, 2000));
    }
    tick();
  }
  window.splynxWatchJob = watchJob;

  // what loaded content needs, as the page got it on load
  function initContent(root) {
    root.querySelectorAll("[data-job-url]").forEach(watchJob);
    root.querySelectorAll("select[data-shows]").forEach(syncShown);
  }

  // This script runs in the page's head, so its handlers above are there before any link or form
  // is (a tap on "Pay" while the page still loads opens the dialog); the page's own parts are set
  // up once it is parsed.
  document.addEventListener("DOMContentLoaded", function () {
    restoreMenu();
    initContent(document);
    openOnLoad();
  });
})();
