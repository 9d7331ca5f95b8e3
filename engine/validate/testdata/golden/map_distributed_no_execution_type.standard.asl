{
 "StartAt": "M",
 "States": {
  "M": {
   "Type": "Map",
   "ItemProcessor": {
    "ProcessorConfig": {
     "Mode": "DISTRIBUTED"
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