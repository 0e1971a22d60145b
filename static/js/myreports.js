/* "Báo cáo của tôi" on this device, and sharing a follow link.
 *
 * The follow page (#follow-device-config) saves its follow link in localStorage;
 * the my-reports page (#myreports-config) lists the saved links, asks each one's
 * status from /hotspots/follow/<token>/status/ (public-safe fields only) and lets
 * the person remove one. Any [data-share-url] button shares the link (Web Share
 * API) or copies it (Clipboard API, else select-and-copy), then says so.
 * Everything from the server or storage is set with textContent (never innerHTML).
 */
(function () {
  "use strict";
  var KEY = "cnx.myreports.v1";
  var MAX_ENTRIES = 200;
  var WORDS = {
    vi: {
      share: "Chia sẻ đường dẫn",
      copy: "Sao chép đường dẫn",
      copied: "Đã sao chép",
      selected: "Đã chọn đường dẫn: hãy sao chép (Ctrl+C hoặc giữ để sao chép)",
      open: "Mở trang theo dõi",
      remove: "Xoá khỏi thiết bị này",
      loading: "Đang tải trạng thái…",
      failed: "Chưa tải được trạng thái (mất mạng?)",
      gone: "Không còn báo cáo này",
      status: "Trạng thái:",
      reportedAt: "Báo cáo lúc",
      publicPage: "Trang công khai"
    },
    en: {
      share: "Share the link",
      copy: "Copy the link",
      copied: "Copied",
      selected: "The link is selected: copy it (Ctrl+C or long-press)",
      open: "Open the follow page",
      remove: "Remove from this device",
      loading: "Loading the status…",
      failed: "Could not load the status (offline?)",
      gone: "This report no longer exists",
      status: "Status:",
      reportedAt: "Reported at",
      publicPage: "Public page"
    }
  };

  function config(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var cfg = config("follow-device-config") || config("myreports-config") || {};
  var T = WORDS[cfg.lang] || WORDS.vi;

  // --- storage -------------------------------------------------------------------
  function load() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];  // storage off (private mode) or damaged: nothing kept
    }
  }
  function store(list) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(list.slice(0, MAX_ENTRIES)));
      return true;
    } catch (e) {
      return false;
    }
  }
  function save(entry) {
    var list = load().filter(function (e) { return e.token !== entry.token; });
    list.unshift(entry);
    return store(list);
  }
  function forget(token) {
    store(load().filter(function (e) { return e.token !== token; }));
  }

  // --- share / copy ----------------------------------------------------------------
  function say(button, text) {
    var box = button.parentNode.querySelector(".share-done");
    if (!box) { return; }
    box.textContent = text;
    box.hidden = false;
  }
  function selectText(button) {
    var target = button.parentNode.querySelector("[data-share-text]");
    if (!target || !window.getSelection) { return false; }
    var range = document.createRange();
    range.selectNodeContents(target);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }
  function fallback(button) {
    say(button, selectText(button) ? T.copied : T.selected);
  }
  function share(button) {
    var url = button.getAttribute("data-share-url");
    if (navigator.share) {
      navigator.share({ title: document.title, url: url }).catch(function (e) {
        // Closing the share sheet is a choice; a refusal falls back to copying.
        if (!e || e.name !== "AbortError") { copy(button, url); }
      });
      return;
    }
    copy(button, url);
  }
  function copy(button, url) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(
        function () { say(button, T.copied); },
        function () { fallback(button); }
      );
      return;
    }
    fallback(button);
  }
  function wireShare(button) {
    button.textContent = navigator.share ? T.share : T.copy;
    button.addEventListener("click", function () { share(button); });
  }

  function shareBlock(url) {
    var block = document.createElement("div");
    block.className = "share-follow";
    var text = document.createElement("span");
    text.className = "copy-link";
    text.setAttribute("data-share-text", "");
    text.textContent = url;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary share-button";
    button.setAttribute("data-share-url", url);
    var done = document.createElement("span");
    done.className = "share-done";
    done.setAttribute("role", "status");
    done.hidden = true;
    block.appendChild(text);
    block.appendChild(button);
    block.appendChild(done);
    wireShare(button);
    return block;
  }

  // --- the device's list on the my-reports page ---------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function absolute(path) {
    return window.location.origin + path;
  }
  function showSummary(item, data) {
    item.querySelector("[data-field=status]").textContent = data.status_label;
    item.querySelector("[data-field=category]").textContent = data.category_label;
    item.querySelector("[data-field=created]").textContent = data.created_display;
    var timeline = item.querySelector(".timeline");
    timeline.textContent = "";
    data.history.forEach(function (line) {
      var li = el("li");
      li.appendChild(el("strong", "", line.label));
      var text = line.status_label ? " → " + line.status_label : "";
      li.appendChild(document.createTextNode(text));
      if (line.into) {
        li.appendChild(document.createTextNode(" "));
        var link = el("a", "", "#" + line.into);
        link.href = line.into_url;
        li.appendChild(link);
      }
      li.appendChild(document.createTextNode(" · " + line.at_display));
      if (line.reason) {
        li.appendChild(el("br"));
        li.appendChild(el("span", "muted", line.reason));
      }
      timeline.appendChild(li);
    });
    var pub = item.querySelector("[data-field=public]");
    pub.hidden = !data.public_url;
    if (data.public_url) { pub.href = data.public_url; }
  }
  function fetchStatus(item, entry) {
    var url = cfg.statusUrl.replace(cfg.placeholder, entry.token);
    var note = item.querySelector("[data-field=note]");
    note.textContent = T.loading;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404) { note.textContent = T.gone; return null; }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (!data) { return; }
        note.textContent = "";
        showSummary(item, data);
      })
      .catch(function () { note.textContent = T.failed; });
  }
  function deviceItem(entry) {
    var followPath = cfg.followUrl.replace(cfg.placeholder, entry.token);
    var item = el("li", "card my-report");
    item.setAttribute("data-testid", "device-report");
    item.setAttribute("data-token", entry.token);
    var title = el("h3");
    var link = el("a", "", "");
    link.href = followPath;
    var category = el("span", "", entry.category || T.open);
    category.setAttribute("data-field", "category");
    link.appendChild(category);
    title.appendChild(link);
    item.appendChild(title);
    var status = el("p");
    status.appendChild(document.createTextNode(T.status + " "));
    var current = el("strong", "", "");
    current.setAttribute("data-field", "status");
    current.setAttribute("data-testid", "device-report-status");
    status.appendChild(current);
    status.appendChild(document.createTextNode(" · " + T.reportedAt + " "));
    var created = el("span", "", entry.created || "");
    created.setAttribute("data-field", "created");
    status.appendChild(created);
    item.appendChild(status);
    var note = el("p", "muted", "");
    note.setAttribute("data-field", "note");
    note.setAttribute("role", "status");
    item.appendChild(note);
    item.appendChild(el("ol", "timeline"));
    var actions = el("p", "my-report-actions");
    var pub = el("a", "", T.publicPage);
    pub.setAttribute("data-field", "public");
    pub.hidden = true;
    actions.appendChild(pub);
    var remove = el("button", "secondary", T.remove);
    remove.type = "button";
    remove.setAttribute("data-testid", "device-remove");
    remove.addEventListener("click", function () {
      forget(entry.token);
      item.parentNode.removeChild(item);
      showEmpty();
    });
    actions.appendChild(remove);
    item.appendChild(actions);
    item.appendChild(shareBlock(absolute(followPath)));
    return item;
  }
  function showEmpty() {
    var list = document.getElementById("device-report-list");
    document.getElementById("device-empty").hidden = list.children.length > 0;
  }
  function listDevice() {
    var list = document.getElementById("device-report-list");
    // Reports the server lists already (signed in) are not repeated.
    var shown = {};
    var server = document.querySelectorAll("[data-testid=my-report][data-token]");
    Array.prototype.forEach.call(server, function (node) {
      shown[node.getAttribute("data-token")] = true;
    });
    load().forEach(function (entry) {
      if (!entry || !entry.token || shown[entry.token]) { return; }
      if (!/^[0-9a-f-]{36}$/.test(entry.token)) { return; }
      shown[entry.token] = true;
      var item = deviceItem(entry);
      list.appendChild(item);
      fetchStatus(item, entry);
    });
    showEmpty();
  }

  // --- start -----------------------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll("[data-share-url]"), wireShare);
  if (document.getElementById("follow-device-config")) {
    var kept = save({
      token: cfg.token,
      category: cfg.category,
      created: cfg.created,
      savedAt: new Date().toISOString()
    });
    var savedNote = document.getElementById("follow-saved");
    if (savedNote && kept) { savedNote.hidden = false; }
  }
  if (document.getElementById("myreports-config")) { listDevice(); }
})();
