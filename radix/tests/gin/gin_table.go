// The gin_table interface of radix/examples/gin_table.rs, served by gin 1.8.1
// itself: each line `METHOD PATH` answers 200 with `METHOD FULLPATH` and then
// `\nKEY=VALUE` per parameter. A table gin refuses prints the panic and exits 2.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o gin_table_go gin_table.go
//
// tests/gin_differential.rs builds and runs it (Debian: golang-go and
// golang-github-gin-gonic-gin-dev, which is gin 1.8.1).
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/gin-gonic/gin"
)

func build(file string) (engine *gin.Engine, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	engine = gin.New()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Fields(line)
		if len(parts) != 2 {
			return nil, fmt.Errorf("bad line %q", line)
		}
		engine.Handle(parts[0], parts[1], func(c *gin.Context) {
			body := c.Request.Method + " " + c.FullPath()
			for _, p := range c.Params {
				body += "\n" + p.Key + "=" + p.Value
			}
			c.String(200, body)
		})
	}
	return engine, nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gin_table_go FILE ADDR")
		os.Exit(2)
	}
	gin.SetMode(gin.ReleaseMode)
	engine, err := build(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gin_table:", err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	engine.RunListener(ln)
}
