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

# ---- the image in a real container runtime ------------------------------------------------
# `make image-test` builds deploy/docker/Dockerfile unmodified with Debian's podman and runs
# it as the chart's pod spec says (tests/image/). podman's configuration and storage live in
# .tools/containers; the Dockerfile's base is a local stand-in built once (no registry here).
# `make test` needs the same installs, and its pytest run includes tests/image.
PODMAN_DIR                := $(TOOLS)/containers
PODMAN_ENV                := CONTAINERS_CONF=$(PODMAN_DIR)/containers.conf CONTAINERS_STORAGE_CONF=$(PODMAN_DIR)/storage.conf
GRPC_HEALTH_PROBE         := $(TOOLS)/bin/grpc-health-probe
GRPC_HEALTH_PROBE_VERSION := v0.4.63
# The name the chart gives the image, which the tests build and run.
IMAGE := $(shell sed -n 's/^ *image: "\(.*\)"$$/\1/p' deploy/k8s/sqlite/roster.yaml | head -n 1)

$(GRPC_HEALTH_PROBE):
	GOBIN=$(TOOLS)/bin GOFLAGS=-mod=mod go install github.com/grpc-ecosystem/grpc-health-probe@$(GRPC_HEALTH_PROBE_VERSION)

.PHONY: image-runtime image-test image-report
# Always run: each step checks what is already there and does nothing when it is.
image-runtime: $(GRPC_HEALTH_PROBE)
	deploy/tools/podman_setup.sh $(PODMAN_DIR)
	$(PODMAN_ENV) deploy/tools/podman_base.sh deploy/docker/Dockerfile

test: image-runtime

image-test: image-runtime $(VENV)/.installed $(HELM) ## build the image with podman and run it as the pod spec says
	$(PY) -m pytest tests/image
	$(MAKE) --no-print-directory image-report

image-report: ## the size of the image the tests built, and of each of its layers
	$(PODMAN_ENV) podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' localhost/$(IMAGE)
	$(PODMAN_ENV) podman history --format '{{.Size}}	{{.CreatedBy}}' localhost/$(IMAGE) | cut -c 1-110
