// gzip_client sends each request on stdin ("METHOD PATH [Name=Value]") to the base URL given
// as its argument with Go's default transport, and prints what the caller sees: status,
// Response.Uncompressed, the Content-Encoding and Content-Length headers, and the body length
// (or "ERROR" when sending or reading the body failed). Stdlib only (Go 1.19); used by
// tests/gzip_go_differential.rs.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

func main() {
	base := os.Args[1]
	client := &http.Client{Transport: &http.Transport{}}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fields := strings.Fields(in.Text())
		req, err := http.NewRequest(fields[0], base+fields[1], nil)
		if err != nil {
			fmt.Println("ERROR")
			continue
		}
		for _, h := range fields[2:] {
			kv := strings.SplitN(h, "=", 2)
			req.Header.Set(kv[0], kv[1])
		}
		resp, err := client.Do(req)
		if err != nil {
			fmt.Println("ERROR")
			continue
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			fmt.Println("ERROR")
			continue
		}
		fmt.Printf("status=%d uncompressed=%v ce=%q cl=%q len=%d\n", resp.StatusCode,
			resp.Uncompressed, resp.Header.Get("Content-Encoding"),
			resp.Header.Get("Content-Length"), len(body))
	}
}
