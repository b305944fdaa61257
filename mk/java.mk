# Java: generated code in gen/java, the client, its tests and the interop
# scenario in clients/java. Maven fetches everything, including protoc and
# protoc-gen-grpc-java (versions pinned in clients/java/pom.xml).
JAVA_DIR      := clients/java
JAVA_TOOLS    := $(TOOLS)/java
JAVA_MVN      := mvn -B -q -Dstyle.color=never -f $(JAVA_DIR)/pom.xml
JAVA_JAR      := $(JAVA_DIR)/target/roster-client.jar
JAVA_SOURCES  := $(shell find $(JAVA_DIR)/src gen/java -name '*.java' -o -name '*.json' 2>/dev/null)

GEN_TARGETS     += gen-java
SETUP_TARGETS   += $(JAVA_TOOLS)/.installed
INTEROP_CLIENTS += java

.PHONY: gen-java test-java interop-java java-client

# Re-fetched whenever the pom changes, so a version bump reaches the generators.
$(JAVA_TOOLS)/.installed: $(JAVA_DIR)/pom.xml
	$(JAVA_MVN) dependency:copy@codegen-tools -Droster.tools.dir=$(JAVA_TOOLS)
	chmod +x $(JAVA_TOOLS)/protoc $(JAVA_TOOLS)/protoc-gen-grpc-java
	touch $@

gen-java: protos $(JAVA_TOOLS)/.installed ## regenerate gen/java (Java)
	rm -rf gen/java
	$(BUF) generate --template buf.gen.java.yaml

test-java: ## compile the Java client and run its tests (wire fixtures included)
	$(JAVA_MVN) test

# The jar, the compiled test sources (the scenario lives there, out of the published jar)
# and target/runtime-classpath.txt come from one `mvn package`; its output goes to stderr
# so that the scenario's stdout holds only its ok/FAIL lines.
$(JAVA_JAR): $(JAVA_DIR)/pom.xml $(JAVA_SOURCES)
	@$(JAVA_MVN) package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true >&2

java-client: $(JAVA_JAR) ## build clients/java/target/roster-client.jar and its runtime-classpath.txt

# Plain `java -cp`: starting Maven again for every run would add seconds.
interop-java: $(JAVA_JAR) ## run the interop scenario in Java against $ROSTER_ADDRESS
	$(require-address)
	@java -cp $(JAVA_JAR):$(JAVA_DIR)/target/test-classes:$$(cat $(JAVA_DIR)/target/runtime-classpath.txt) dev.roster.client.Scenario

# roster.user.v2: the same scenario shape through UserClientV2 (test sources, ScenarioV2).
INTEROP_CLIENTS += java-v2
.PHONY: interop-java-v2
interop-java-v2: $(JAVA_JAR) ## run the roster.user.v2 interop scenario in Java against $ROSTER_ADDRESS
	$(require-address)
	@java -cp $(JAVA_JAR):$(JAVA_DIR)/target/test-classes:$$(cat $(JAVA_DIR)/target/runtime-classpath.txt) dev.roster.client.ScenarioV2
