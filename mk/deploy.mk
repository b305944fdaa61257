# Deployment: helm (Go module proxy), Debian's tini for the entrypoint test, and the
# rendered manifests under deploy/k8s/ (drift-checked like gen/).
HELM         := $(TOOLS)/bin/helm
HELM_VERSION := v3.22.0
TINI         := $(TOOLS)/bin/tini
# The same Debian package version the image installs (single source: the Dockerfile).
TINI_VERSION := $(shell sed -n 's/^ARG TINI_VERSION=//p' deploy/docker/Dockerfile)
TINI_DEB_DIR := $(TOOLS)/tini-deb

SETUP_TARGETS += $(HELM) $(TINI)
LINT_TARGETS  += check-k8s

$(HELM):
	GOBIN=$(TOOLS)/bin go install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

# Only the binary is taken out of the .deb (see deb-binary in the Makefile).
$(TINI): deploy/docker/Dockerfile
	$(call deb-binary,tini=$(TINI_VERSION),usr/bin/tini,$(TINI_DEB_DIR))

.PHONY: k8s check-k8s
k8s: $(HELM) ## copy the monitoring rules into the chart and re-render deploy/k8s/
	cp deploy/monitoring/rules/roster-slo.rules.yaml deploy/helm/roster/files/roster-slo.rules.yaml
	deploy/tools/render_k8s.sh $(HELM) deploy/k8s

check-k8s: $(HELM) ## deploy/k8s/ and the chart's rules copy must equal a fresh `make k8s`
	deploy/tools/check_k8s.sh $(HELM)
