/* alignhub "All entries": filters over the JSON index built with the site. No dependencies.
 * The filter state lives in the URL query (?section=…&topic=…&tag=…&type=…&year=…&venue=…&sort=…&text=…),
 * so a filtered view can be shared and survives a reload. Entry text is only ever set through
 * textContent, never parsed as HTML. */
(function () {
  "use strict";
  // On every page: the language selector keeps the filters and the anchor of the page it leaves.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.md-select__link[hreflang]");
    if (!link || (!location.search && !location.hash)) return;
    var target = new URL(link.href, location.href);
    if (!target.search) target.search = location.search;
    if (!target.hash) target.hash = location.hash;
    link.href = target.href;
  }, true);

  var root = document.getElementById("ah-filter");
  if (!root) return;
  var FIELDS = ["section", "topic", "tag", "type", "year", "venue", "sort"];
  var TEXT = "text";  // not "q": Material's search box reads ?q= on every page
  var lang = root.getAttribute("data-lang") || "en";
  var words = JSON.parse(root.getAttribute("data-words") || "{}");
  var form = root.querySelector("form");
  var count = root.querySelector(".ah-filter__count");
  var list = root.querySelector(".ah-filter__results");
  var siteRoot = new URL(root.getAttribute("data-root"), location.href);
  var index = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function label(table, id) {
    var item = index[table][id];
    return item ? (item[lang] || item.en) : id;
  }

  function readState() {
    var params = new URLSearchParams(location.search);
    var state = { q: params.get(TEXT) || "" };
    FIELDS.forEach(function (name) { state[name] = params.get(name) || ""; });
    return state;
  }

  function writeForm(state) {
    form.elements.q.value = state.q;
    FIELDS.forEach(function (name) {
      var select = form.elements[name];
      select.value = state[name];
      if (select.value !== state[name]) select.value = "";  // unknown value in a shared URL
    });
  }

  function formState() {
    var state = { q: form.elements.q.value.trim() };
    FIELDS.forEach(function (name) { state[name] = form.elements[name].value; });
    return state;
  }

  function writeUrl(state) {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    if (state.q) params.set(TEXT, state.q);
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function haystack(e) {
    var parts = [e.t, e.s || "", e.a.join(" "), e.en, e.zh || "", e.v || "", String(e.y),
      label("sections", e.sec), label("topics", e.top)];
    e.tg.forEach(function (tag) { parts.push(tag, label("tags", tag)); });
    return parts.join(" ").toLowerCase();
  }

  function matches(e, state, terms) {
    if (state.section && e.sec !== state.section) return false;
    if (state.topic && e.top !== state.topic) return false;
    if (state.tag && e.tg.indexOf(state.tag) < 0) return false;
    if (state.type && e.ty !== state.type) return false;
    if (state.year && String(e.y) !== state.year) return false;
    if (state.venue && e.vn !== state.venue) return false;
    for (var i = 0; i < terms.length; i++) if (e._text.indexOf(terms[i]) < 0) return false;
    return true;
  }

  function entryItem(e) {
    var li = el("li", "ah-result");
    li.setAttribute("data-id", e.id);
    var title = el("a", "ah-result__title", e.t);
    title.href = new URL(index.paper[lang].replace("{id}", e.id), siteRoot).href;
    li.appendChild(title);
    var meta = [String(e.y)];
    if (e.s && e.t.toLowerCase().lastIndexOf(e.s.toLowerCase(), 0) !== 0) meta.unshift(e.s);
    if (e.v) meta.push(e.v);
    meta.push(label("types", e.ty), label("sections", e.sec) + " › " + label("topics", e.top));
    li.appendChild(el("div", "ah-result__meta", meta.join(" · ")));
    if (e.a.length) li.appendChild(el("div", "ah-result__authors", e.a.slice(0, 6).join(", ") + (e.a.length > 6 ? ", …" : "")));
    var summary = el("div", "ah-result__summary", lang === "zh" && e.zh ? e.zh : e.en);
    if (lang === "zh" && !e.zh) summary.setAttribute("lang", "en");
    li.appendChild(summary);
    if (e.tg.length) {
      var tags = el("div", "ah-result__tags");
      e.tg.forEach(function (tag) {
        var button = el("button", "ah-tag", label("tags", tag));
        button.type = "button";
        button.setAttribute("data-tag", tag);
        tags.appendChild(button);
      });
      li.appendChild(tags);
    }
    return li;
  }

  // The index lists entries by year, newest first; other orders keep that order among equals.
  var ORDERS = {
    added: function (a, b) { return a.ad < b.ad ? 1 : a.ad > b.ad ? -1 : a._order - b._order; },
    title: function (a, b) { return a.t.localeCompare(b.t) || a._order - b._order; },
    citations: function (a, b) { return (b.c === undefined ? -1 : b.c) - (a.c === undefined ? -1 : a.c) || a._order - b._order; }
  };

  function render() {
    var state = formState();
    writeUrl(state);
    if (!index) return;  // the list follows once the index has arrived
    var terms = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = index.entries.filter(function (e) { return matches(e, state, terms); });
    if (state.sort) shown.sort(ORDERS[state.sort] || function () { return 0; });
    var fragment = document.createDocumentFragment();
    shown.forEach(function (e) { fragment.appendChild(entryItem(e)); });
    list.replaceChildren(fragment);
    count.textContent = shown.length
      ? words.shown.replace("{shown}", shown.length).replace("{total}", index.entries.length)
      : words.no_match;
  }

  form.addEventListener("input", render);
  form.addEventListener("change", render);
  form.querySelector("[data-clear]").addEventListener("click", function () {
    writeForm({ q: "", section: "", topic: "", tag: "", type: "", year: "", venue: "", sort: "" });
    render();
  });
  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-tag]");
    if (!button) return;
    form.elements.tag.value = button.getAttribute("data-tag");
    render();
  });
  window.addEventListener("popstate", function () { writeForm(readState()); render(); });
  // A shared link's filters show at once, before the index arrives; changes made meanwhile are kept.
  writeForm(readState());

  fetch(root.getAttribute("data-index"))
    .then(function (response) {
      if (!response.ok) throw new Error("index: HTTP " + response.status);
      return response.json();
    })
    .then(function (data) {
      index = data;
      index.entries.forEach(function (e, i) { e._text = haystack(e); e._order = i; });
      var state = formState();
      // On a phone the filters fold away unless a shared link set one, so the first result shows.
      var panel = root.querySelector(".ah-filter__panel");
      var filtered = FIELDS.some(function (name) { return state[name]; });
      if (panel && !filtered && window.matchMedia("(max-width: 44.9375em)").matches) panel.open = false;
      render();
    })
    .catch(function (error) {
      count.textContent = String(error.message || error);
    });
})();
