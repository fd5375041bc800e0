/* alignhub: Material's search worker, loaded below with importScripts, with two fixes around it.
 * The page hands us Material's worker URL as ?material=…; this file lives beside it, so Material's
 * relative look-ups (../lunr/…) still work.
 *
 * 1. Ranking. Material adds a wildcard to every word, and lunr scores the rare expansions of a
 *    word highest: "DPO" ranked "DPOP" (DPO-Positive) above DPO itself. Results now come in four
 *    tiers, each in lunr's order: entry pages whose short name is a word of the query (or the
 *    whole query); entry pages whose title holds every word of the query (as a word or the start
 *    of one); other entry pages; then section, statistics and other pages.
 * 2. Chinese. Material segments a Chinese query with the index's own tokens, but never tries the
 *    whole run as one token, so 偏好优化 became 偏好 and 可解释性 matched nothing. We segment each
 *    run ourselves, longest index token first, and end each token with a character the index never
 *    holds, which makes Material keep it whole; a run that only begins index tokens (可解释, while
 *    typing) becomes those tokens. */
(function () {
  "use strict";
  var SETUP = 0, QUERY = 2, RESULT = 3;  // Material's SearchMessageType
  var HAN = /[\u4e00-\u9fff]+/g;
  var KEEP = "\u9fa5";                  // 龥: a Han character no page of ours holds
  var SEPARATOR = /[\s\u200b\u3000\-、。，．？！；]+/;
  var COMPLETIONS = 3;

  var vocabulary = new Set();
  var longest = 1;
  var shortNames = new Map();           // entry page location → normalised short name ("" if none)
  var lastQuery = "";

  function normalise(text) {
    return String(text).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  }

  function learn(docs) {
    docs.forEach(function (doc) {
      if (doc.p) shortNames.set(doc.location, normalise(doc.sn || ""));
      [doc.title, doc.text].forEach(function (field) {
        String(field || "").split(SEPARATOR).forEach(function (piece) {
          (piece.match(HAN) || []).forEach(function (word) {
            vocabulary.add(word);
            if (word.length > longest) longest = word.length;
          });
        });
      });
    });
  }

  function completions(prefix) {
    var found = [];
    vocabulary.forEach(function (word) {
      if (word.length > prefix.length && word.lastIndexOf(prefix, 0) === 0) found.push(word);
    });
    found.sort(function (a, b) { return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0); });
    return found.slice(0, COMPLETIONS);
  }

  function segment(run) {
    var words = [];
    for (var i = 0; i < run.length;) {
      var size = 0;
      for (var n = Math.min(longest, run.length - i); n > 0; n--) {
        if (vocabulary.has(run.substr(i, n))) { size = n; break; }
      }
      if (size) {
        words.push(run.substr(i, size) + KEEP);
        i += size;
        continue;
      }
      var rest = completions(run.slice(i));
      if (rest.length) {
        rest.forEach(function (word) { words.push(word + KEEP); });
        break;
      }
      i += 1;  // a character no page holds: leave it out
    }
    return words.join(" ");
  }

  function rewrite(query) {
    if (!vocabulary.size) return query;
    return query.replace(HAN, function (run) { return " " + segment(run) + " "; }).trim();
  }

  function titleWords(group) {
    var title = String(group[0].title || "").replace(/<[^>]*>/g, "").toLowerCase();
    return title.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  function tier(group, whole, words) {
    var name = shortNames.get(String(group[0].location).split("#")[0]);
    if (name === undefined) return 3;
    if (name && (name === whole || words.indexOf(name) >= 0)) return 0;
    var title = titleWords(group);
    var all = words.every(function (word) {
      return title.some(function (t) { return t.lastIndexOf(word, 0) === 0; });
    });
    return all ? 1 : 2;
  }

  function rerank(result) {
    if (!result || !result.items || !result.items.length) return;
    var whole = normalise(lastQuery);
    var words = lastQuery.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    if (!words.length) return;
    var tiers = [[], [], [], []];
    result.items.forEach(function (group) { tiers[tier(group, whole, words)].push(group); });
    result.items = tiers[0].concat(tiers[1], tiers[2], tiers[3]);
  }

  var post = self.postMessage.bind(self);
  self.postMessage = function (message) {
    if (message && message.type === RESULT) rerank(message.data);
    post(message);
  };
  self.addEventListener("message", function (event) {
    var message = event.data;
    if (!message) return;
    if (message.type === SETUP && message.data) learn(message.data.docs || []);
    if (message.type === QUERY && typeof message.data === "string") {
      lastQuery = message.data;
      message.data = rewrite(message.data);
    }
  });

  var material = new URL(self.location.href).searchParams.get("material");
  if (!material || new URL(material, self.location.href).origin !== self.location.origin) {
    throw new Error("alignhub search worker: no same-origin ?material= worker to load");
  }
  importScripts(new URL(material, self.location.href).href);
})();
