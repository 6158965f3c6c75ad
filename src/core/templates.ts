// The manifests the original generate_manifests.sh wrote, byte for byte. Only the values passed to
// the functions vary; every file ends with exactly one newline. Checked by the golden tests.

export interface TemplateValues {
  podSubnet: string
  clusterCidr: string
}

/** Static files of each component (the arch kustomizations and release JSON are rendered apart). */
export const STATIC_FILES: Record<'kindnet' | 'kube-proxy', Record<string, (v: TemplateValues) => string>> = {
  kindnet: {
    '00-namespace.yaml': (_v) => `apiVersion: v1
kind: Namespace
metadata:
  name: kube-kindnet
  labels:
    name: kube-kindnet
    openshift.io/run-level: "0"
    openshift.io/cluster-monitoring: "true"
    pod-security.kubernetes.io/enforce: privileged
    pod-security.kubernetes.io/audit: privileged
    pod-security.kubernetes.io/warn: privileged
  annotations:
    openshift.io/node-selector: ""
    openshift.io/description: "kindnet Kubernetes components"
    workload.openshift.io/allowed: "management"
`,
    '01-service-account.yaml': (_v) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: kindnet
  namespace: kube-kindnet
`,
    '02-cluster-role.yaml': (_v) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: kindnet
rules:
  - apiGroups: [""]
    resources:
      - namespaces
      - nodes
      - pods
    verbs:
      - get
      - list
      - patch
      - watch
      - update
  - apiGroups: [""]
    resources:
      - pods
    verbs:
      - get
      - list
      - patch
      - watch
      - delete
  - apiGroups: [""]
    resources:
      - configmaps
    verbs:
      - get
      - create
      - update
      - patch
  - apiGroups: [""]
    resources:
      - services
      - endpoints
    verbs:
      - get
      - list
      - watch
  - apiGroups:
      - discovery.k8s.io
    resources:
      - endpointslices
    verbs:
      - list
      - watch
  - apiGroups: ["networking.k8s.io"]
    resources:
      - networkpolicies
    verbs:
      - get
      - list
      - watch
  - apiGroups: ["", "events.k8s.io"]
    resources:
      - events
    verbs:
      - create
      - patch
      - update
  - apiGroups: ["security.openshift.io"]
    resources:
      - securitycontextconstraints
    verbs:
      - use
    resourceNames:
      - privileged
  - apiGroups: [""]
    resources:
      - "nodes/status"
    verbs:
      - patch
      - update
  - apiGroups: ["apiextensions.k8s.io"]
    resources:
      - customresourcedefinitions
    verbs:
      - get
      - list
      - watch
  - apiGroups: ['authentication.k8s.io']
    resources: ['tokenreviews']
    verbs: ['create']
  - apiGroups: ['authorization.k8s.io']
    resources: ['subjectaccessreviews']
    verbs: ['create']
`,
    '03-cluster-role-binding.yaml': (_v) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: kindnet
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: kindnet
subjects:
  - kind: ServiceAccount
    name: kindnet
    namespace: kube-kindnet
`,
    '04-daemonset.yaml': (v) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  labels:
    app: kindnet
    k8s-app: kindnet
    tier: node
  name: kube-kindnet-ds
  namespace: kube-kindnet
spec:
  selector:
    matchLabels:
      app: kindnet
      k8s-app: kindnet
  template:
    metadata:
      labels:
        app: kindnet
        k8s-app: kindnet
        tier: node
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: kubernetes.io/os
                    operator: In
                    values:
                      - linux
      containers:
        - name: kube-kindnet
          image: kindnet
          imagePullPolicy: IfNotPresent
          env:
          - name: HOST_IP
            valueFrom:
              fieldRef:
                fieldPath: status.hostIP
          - name: POD_IP
            valueFrom:
              fieldRef:
                fieldPath: status.podIP
          - name: POD_SUBNET
            value: ${v.podSubnet}
          resources:
            requests:
              cpu: 100m
              memory: 50Mi
          securityContext:
            capabilities:
              add:
                - NET_ADMIN
                - NET_RAW
            privileged: false
          volumeMounts:
            - name: cni
              mountPath: /etc/cni/net.d
            - name: xtables-lock
              mountPath: /run/xtables.lock
              readOnly: false
            - name: lib-modules
              mountPath: /lib/modules
              readOnly: true
            - name: nri-plugin
              mountPath: /var/run/nri
      hostNetwork: true
      priorityClassName: system-node-critical
      serviceAccountName: kindnet
      tolerations:
        - effect: NoSchedule
          operator: Exists
      volumes:
        - hostPath:
            path: /etc/cni/net.d
          name: cni
        - hostPath:
            path: /run/xtables.lock
            type: FileOrCreate
          name: xtables-lock
        - name: lib-modules
          hostPath:
            path: /lib/modules
        - name: nri-plugin
          hostPath:
            path: /var/run/nri
`,
    'kustomization.yaml': (_v) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - 00-namespace.yaml
  - 01-service-account.yaml
  - 02-cluster-role.yaml
  - 03-cluster-role-binding.yaml
  - 04-daemonset.yaml
`
  },
  'kube-proxy': {
    '00-namespace.yaml': (_v) => `apiVersion: v1
kind: Namespace
metadata:
  name: kube-proxy
  labels:
    name: kindnet
    openshift.io/run-level: "0"
    openshift.io/cluster-monitoring: "true"
    pod-security.kubernetes.io/enforce: privileged
    pod-security.kubernetes.io/audit: privileged
    pod-security.kubernetes.io/warn: privileged
  annotations:
    openshift.io/node-selector: ""
    openshift.io/description: "kube-proxy Kubernetes components"
    workload.openshift.io/allowed: "management"
`,
    '01-service-account.yaml': (_v) => `apiVersion: v1
kind: ServiceAccount
metadata:
  labels:
    k8s-app: kube-proxy
  name: kube-proxy
  namespace: kube-proxy
`,
    '02-cluster-role.yaml': (_v) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:kube-proxy
rules:
  - apiGroups:
      - ""
    resources:
      - services
      - endpoints
      - nodes
      - configmaps
    verbs:
      - list
      - watch
      - get
  - apiGroups: ["discovery.k8s.io"]
    resources:
      - endpointslices
    verbs:
      - list
      - watch
      - get
`,
    '03-cluster-role-binding.yaml': (_v) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:kube-proxy
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:kube-proxy
subjects:
  - kind: ServiceAccount
    name: kube-proxy
    namespace: kube-proxy
`,
    '04-configmap.yaml': (v) => `apiVersion: v1
data:
  config.conf: |
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    clusterCIDR: ${v.clusterCidr}
    mode: iptables
    clientConnection:
      kubeconfig: /var/lib/kubeconfig
    iptables:
      masqueradeAll: true
    conntrack:
      maxPerCore: 0
    featureGates:
      AllAlpha: false
kind: ConfigMap
metadata:
  labels:
    app: kube-proxy
    k8s-app: kube-proxy
  name: kube-proxy
  namespace: kube-proxy
`,
    '05-daemonset.yaml': (_v) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
  namespace: kube-proxy
spec:
  selector:
    matchLabels:
      k8s-app: kube-proxy
  template:
    metadata:
      labels:
        k8s-app: kube-proxy
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: kubernetes.io/os
                    operator: In
                    values:
                      - linux
      serviceAccountName: kube-proxy  # Reference the Service Account here
      containers:
        - name: kube-proxy
          image: kube-proxy
          command:
            - /usr/bin/kube-proxy
            - --config=/var/lib/kube-proxy/config.conf
          volumeMounts:
            - name: config
              mountPath: /var/lib/kube-proxy/
              readOnly: true
            - name: kubeconfig
              mountPath: /var/lib/kubeconfig
              readOnly: true
          securityContext:
            privileged: true
      hostNetwork: true  # Allows the pod to use the host network
      dnsPolicy: ClusterFirstWithHostNet
      tolerations:
        - effect: NoSchedule
          operator: Exists
      volumes:
        - name: config
          configMap:
            name: kube-proxy
        - hostPath:
            path: /var/lib/microshift/resources/kubeadmin/kubeconfig
            type: FileOrCreate
          name: kubeconfig
`,
    'kustomization.yaml': (_v) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - 00-namespace.yaml
  - 01-service-account.yaml
  - 02-cluster-role.yaml
  - 03-cluster-role-binding.yaml
  - 04-configmap.yaml
  - 05-daemonset.yaml
`
  }
}
