{
 "StartAt": "M",
 "States": {
  "M": {
   "Type": "Map",
   "ItemProcessor": {
    "ProcessorConfig": {
     "Mode": "DISTRIBUTED",
     "ExecutionType": "EXPRESS"
    },
    "StartAt": "P",
    "States": {
     "P": {
      "Type": "Pass",
      "End": true
     }
    }
   },
   "End": true
  }
 }
}