/* The outbox on a page (report and event pages): the "saved, will send" notice,
 * the list of waiting submissions (cancel, edit, retry), and the senders' triggers:
 * Background Sync where the browser has it (the service worker), otherwise when
 * the page opens and when the `online` event fires. Text set with textContent.
 *
 *   var ui = OutboxUI({form, lang, onEdit(record), aliases});
 *   ui.saved(); ui.storageFailed(err); ui.newReport();                        */
(function () {
  "use strict";
  var WORDS = {
    vi: {
      saved: "Đã lưu — sẽ gửi khi có mạng",
      quota: "Bộ nhớ của trình duyệt đã đầy: báo cáo và ảnh CHƯA được lưu. Đừng đóng trang; hãy giải phóng bộ nhớ hoặc gửi lại khi có mạng.",
      storageFailed: "Không lưu được vào máy: báo cáo CHƯA được lưu. Đừng đóng trang; hãy gửi lại khi có mạng.",
      title: "Đang chờ gửi ({n})",
      photos: "{n} ảnh",
      waiting: "Chờ mạng",
      sending: "Đang gửi…",
      held: "Đang sửa trong biểu mẫu",
      error: "Máy chủ từ chối: {m}",
      cancel: "Huỷ",
      edit: "Sửa",
      retry: "Gửi lại",
      sentReport: "Đã gửi báo cáo đã lưu: {l}.",
      sentEvent: "Đã gửi sự kiện đã lưu: {l}.",
      follow: "Theo dõi báo cáo",
      view: "Xem sự kiện"
    },
    en: {
      saved: "Saved — will be sent when there is a connection",
      quota: "The browser's storage is full: the report and its photos were NOT saved. Do not close the page; free some storage or send again when online.",
      storageFailed: "Could not save on this device: the report was NOT saved. Do not close the page; send again when online.",
      title: "Waiting to be sent ({n})",
      photos: "{n} photos",
      waiting: "Waiting for a connection",
      sending: "Sending…",
      held: "Being edited in the form",
      error: "Refused by the server: {m}",
      cancel: "Cancel",
      edit: "Edit",
      retry: "Retry",
      sentReport: "Saved report sent: {l}.",
      sentEvent: "Saved event sent: {l}.",
      follow: "Follow the report",
      view: "View the event"
    }
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function when(iso) {
    var d = new Date(iso);
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + pad(d.getDate()) + "/"
      + pad(d.getMonth() + 1) + "/" + d.getFullYear();
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text != null) { e.textContent = text; }
    return e;
  }

  // Put a record's fields and photos back into the form (generic, by field name).
  function fill(form, rec) {
    var values = {};
    rec.fields.forEach(function (kv) { (values[kv[0]] = values[kv[0]] || []).push(kv[1]); });
    form.querySelectorAll("input[name], textarea[name], select[name]").forEach(function (input) {
      if (input.name === "csrfmiddlewaretoken") { return; }
      if (input.type === "file") { input.value = ""; return; }
      var v = values[input.name];
      if (input.type === "radio" || input.type === "checkbox") {
        input.checked = !!v && v.indexOf(input.value) !== -1;
      } else if (v) {
        input.value = v[0];
      }
    });
    var byField = {};
    rec.photos.forEach(function (p) { (byField[p.field] = byField[p.field] || []).push(p); });
    Object.keys(byField).forEach(function (name) {
      var input = form.querySelector("input[type=file][name='" + name + "'][multiple]")
        || form.querySelector("input[type=file][name='" + name + "']");
      if (!input) { return; }
      var dt = new DataTransfer();
      byField[name].forEach(function (p) {
        dt.items.add(new File([p.blob], p.name || "photo.jpg", { type: p.blob.type || "image/jpeg" }));
      });
      input.files = dt.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  window.OutboxUI = function (opts) {
    var T = WORDS[opts.lang === "en" ? "en" : "vi"];
    var form = opts.form;
    var status = document.getElementById("outbox-status");
    var box = document.getElementById("outbox");

    function say(text, kind) {
      status.textContent = "";
      status.className = "outbox-status " + (kind || "");
      status.hidden = !text;
      if (text) { status.appendChild(el("strong", null, text)); }
    }
    function newReport() {
      form.querySelector("input[name=client_uuid]").value = Outbox.uuid();
    }

    function item(rec) {
      var li = el("li", "outbox-item");
      li.dataset.id = rec.id;
      li.appendChild(el("strong", null, (rec.label || rec.kind) + " · " + when(rec.created_at)));
      var state = rec.state === "error"
        ? T.error.replace("{m}", (rec.error && rec.error.error && rec.error.error.message) || "")
        : rec.state === "sending" && rec.lease_until > Date.now() ? T.sending
          : rec.state === "held" ? T.held : T.waiting;
      li.appendChild(el("span", "outbox-meta", T.photos.replace("{n}", rec.photos.length) + " · " + state));
      var actions = el("div", "outbox-actions");
      [["retry", T.retry], ["edit", T.edit], ["cancel", T.cancel]].forEach(function (a) {
        var b = el("button", "secondary", a[1]);
        b.type = "button";
        b.dataset.action = a[0];
        actions.appendChild(b);
      });
      li.appendChild(actions);
      return li;
    }
    function render() {
      return Outbox.list().then(function (items) {
        box.textContent = "";
        box.hidden = items.length === 0;
        if (!items.length) { return; }
        box.appendChild(el("h2", null, T.title.replace("{n}", items.length)));
        var ul = el("ul", "outbox-list");
        items.forEach(function (rec) { ul.appendChild(item(rec)); });
        box.appendChild(ul);
      });
    }
    function flush() {
      return Outbox.flush().then(render, render);
    }

    box.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-action]");
      if (!b) { return; }
      var id = b.closest("li").dataset.id;
      if (b.dataset.action === "cancel") { Outbox.remove(id).then(render); return; }
      if (b.dataset.action === "retry") { Outbox.release(id, "waiting").then(flush); return; }
      Outbox.get(id).then(function (rec) {
        if (!rec) { return render(); }
        return Outbox.release(id, "held", rec.error).then(function () {
          fill(form, rec);
          FormHelpers.clearErrors(form);
          if (rec.error) { FormHelpers.showErrors(form, rec.error, opts.aliases); }
          if (opts.onEdit) { opts.onEdit(rec); }
          form.scrollIntoView();
          return render();
        });
      });
    });

    Outbox.on(function (msg) {
      if (msg.type === "sent") {
        say(T[msg.kind === "report" ? "sentReport" : "sentEvent"].replace("{l}", msg.label || ""), "success");
        if (msg.url) {
          var a = el("a", null, msg.kind === "report" ? T.follow : T.view);
          a.href = msg.url;
          status.appendChild(document.createTextNode(" "));
          status.appendChild(a);
        }
      }
      render();
    });
    window.addEventListener("online", flush);

    newReport();  // a cached copy of the page carries an old one
    render().then(function () { if (navigator.onLine) { flush(); } });
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) { reg.sync.register("outbox"); } });
    }

    return {
      render: render,
      newReport: newReport,
      saved: function () { say(T.saved, "saved"); render(); },
      storageFailed: function (err) {
        say(err && err.name === "QuotaExceededError" ? T.quota : T.storageFailed, "failed");
      }
    };
  };
})();
