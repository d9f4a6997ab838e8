// splynx-host: modals (confirm dialogs, add-on action links), live job progress.
(function () {
  "use strict";

  const backdrop = () => document.getElementById("modal");

  function openModal({ title, body, width, footer }) {
    const root = backdrop();
    root.querySelector(".modal").style.width = (width || 600) + "px";
    root.querySelector("[data-modal-title]").textContent = title || "";
    const bodyEl = root.querySelector(".modal-body");
    bodyEl.replaceChildren(...(Array.isArray(body) ? body : [body]));
    const foot = root.querySelector("footer");
    foot.replaceChildren(...(footer || []));
    foot.hidden = !(footer && footer.length);
    root.classList.add("open");
    return root;
  }

  function closeModal() {
    const root = backdrop();
    root.classList.remove("open");
    root.querySelector(".modal-body").replaceChildren();
    if (root.dataset.reloadOnClose) { delete root.dataset.reloadOnClose; window.location.reload(); }
  }
  window.splynxModal = { open: openModal, close: closeModal };

  function button(label, cls, onClick) {
    const b = document.createElement("button");
    b.type = "button"; b.className = "btn " + cls; b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  document.addEventListener("click", function (ev) {
    // an add-on action link: its URL opens in a modal iframe of the entry point's size
    const link = ev.target.closest("[data-modal-url]");
    if (link) {
      ev.preventDefault();
      let url = link.dataset.modalUrl;
      // an action on the ticked rows: their values go along as ?ids=1,2,3
      if (link.dataset.modalChecked) {
        const ticked = Array.from(document.querySelectorAll(`input[name="${link.dataset.modalChecked}"]:checked`));
        if (!ticked.length) {
          const p = document.createElement("p");
          p.textContent = link.dataset.modalEmpty || "Tick at least one row first.";
          openModal({ title: link.dataset.modalTitle, body: p, width: 420 });
          return;
        }
        url += (url.includes("?") ? "&" : "?") + "ids=" + ticked.map((b) => b.value).join(",");
      }
      const frame = document.createElement("iframe");
      frame.src = url;
      frame.title = link.dataset.modalTitle || "";
      frame.style.minHeight = (link.dataset.modalHeight || 380) + "px";
      backdrop().dataset.reloadOnClose = "1";
      openModal({ title: link.dataset.modalTitle, body: frame, width: parseInt(link.dataset.modalWidth, 10) });
      return;
    }
    // a form guarded by a confirm dialog
    const guarded = ev.target.closest("[data-confirm]");
    if (guarded && !guarded.dataset.confirmed) {
      ev.preventDefault();
      const p = document.createElement("p");
      p.textContent = guarded.dataset.confirm;
      const extra = guarded.dataset.confirmDetails ? document.getElementById(guarded.dataset.confirmDetails) : null;
      const body = extra ? [p, extra.content.cloneNode(true)] : [p];
      openModal({
        title: guarded.dataset.confirmTitle || "Confirm", body: body, width: 520,
        footer: [
          button("No, cancel", "", closeModal),
          button(guarded.dataset.confirmOk || "OK, confirm", "btn-primary", function () {
            guarded.dataset.confirmed = "1"; closeModal(); guarded.click();
          }),
        ],
      });
      return;
    }
    const reload = ev.target.closest("[data-frame-reload]");
    if (reload) { const f = document.getElementById(reload.dataset.frameReload); f.src = f.src; return; }
    if (ev.target.closest("[data-modal-close]") || ev.target === backdrop()) closeModal();
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
  document.querySelectorAll("select[data-shows]").forEach(syncShown);

  // a select that reloads the page with its value as a query parameter (e.g. the Partner selector)
  document.addEventListener("change", function (ev) {
    const param = ev.target.dataset && ev.target.dataset.navParam;
    if (!param) return;
    const url = new URL(window.location.href);
    url.searchParams.set(param, ev.target.value);
    window.location.assign(url.toString());
  });

  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") closeModal(); });

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

  // a job panel polls its JSON status until the job ends; the page may reload meanwhile
  function watchJob(panel) {
    const url = panel.dataset.jobUrl;
    const bar = panel.querySelector(".bar");
    const log = panel.querySelector("pre.console");
    const status = panel.querySelector("[data-job-status]");
    function tick() {
      fetch(url, { headers: { "X-Requested-With": "fetch" } })
        .then((r) => r.json())
        .then(function (job) {
          bar.style.width = job.progress + "%";
          bar.textContent = job.progress + "%";
          if (log) { log.textContent = job.log; log.scrollTop = log.scrollHeight; }
          if (status) status.textContent = job.status;
          if (job.status === "succeeded" || job.status === "failed") {
            bar.classList.add(job.status === "failed" ? "failed" : "done");
            panel.dispatchEvent(new CustomEvent("job-finished", { bubbles: true, detail: job }));
            const after = panel.querySelector("[data-after-job]");
            if (after) after.hidden = false;
          } else {
            setTimeout(tick, 700);
          }
        })
        .catch(() => setTimeout(tick, 2000));
    }
    tick();
  }
  document.querySelectorAll("[data-job-url]").forEach(watchJob);
  window.splynxWatchJob = watchJob;
})();
