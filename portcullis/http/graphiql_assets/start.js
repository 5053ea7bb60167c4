// Portcullis's GraphiQL page: GraphiQL on this service's /graphql, with nothing loaded from
// anywhere else. A one-time sign-in link (`portcullis demo`, `portcullis token create --link`)
// opens this page with `#sign-in=<code>`: the code is exchanged for a personal token
// (the signIn mutation), which goes into the request headers.
(function () {
  "use strict";
  var url = window.location.href.split(/[?#]/)[0];
  var fetcher = GraphiQL.createFetcher({ url: url });
  var welcome =
    "# Portcullis: sign in with a link from `portcullis demo` or\n" +
    "# `portcullis token create --link`, or put a token in the headers below:\n" +
    '#   {"Authorization": "Bearer pct_..."}\n' +
    "{\n  viewer {\n    email\n    organizations { id name experience }\n  }\n}\n";

  function render(headers, note) {
    var root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(
      React.createElement(GraphiQL, {
        fetcher: fetcher,
        defaultQuery: note ? "# " + note + "\n" + welcome : welcome,
        headers: headers,
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
        defaultEditorToolsVisibility: headers ? "headers" : true,
      }),
    );
  }

  var match = /(?:^#|&)sign-in=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (!match) {
    render(undefined, "");
    return;
  }
  history.replaceState(null, "", url); // the code is used once; keep it out of the history
  fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      query:
        "mutation ($code: String!) { signIn(input: {code: $code}) " +
        "{ token email errors { code message } } }",
      variables: { code: match[1] },
    }),
  })
    .then(function (response) {
      return response.json();
    })
    .then(function (body) {
      var payload = body.data && body.data.signIn;
      if (payload && payload.token) {
        var headers = JSON.stringify({ Authorization: "Bearer " + payload.token }, null, 2);
        render(headers, "Signed in as " + payload.email + ".");
      } else {
        var errors = (payload && payload.errors) || body.errors || [];
        var reason = errors.length ? errors[0].message : "unknown error";
        render(undefined, "Sign-in failed: " + reason);
      }
    })
    .catch(function (error) {
      render(undefined, "Sign-in failed: " + error);
    });
})();
