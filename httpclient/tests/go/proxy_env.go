// proxy_env prints, for each URL on stdin, the proxy Go's http.ProxyFromEnvironment picks
// for it under the current environment: "host:port" of the proxy, "DIRECT", or "ERROR".
// Stdlib only (Go 1.19); used by tests/proxy_go_differential.rs.
package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/url"
	"os"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		u, err := url.Parse(in.Text())
		if err != nil {
			fmt.Println("ERROR")
			continue
		}
		proxy, err := http.ProxyFromEnvironment(&http.Request{URL: u})
		switch {
		case err != nil:
			fmt.Println("ERROR")
		case proxy == nil:
			fmt.Println("DIRECT")
		default:
			fmt.Println(proxy.Host)
		}
	}
}
