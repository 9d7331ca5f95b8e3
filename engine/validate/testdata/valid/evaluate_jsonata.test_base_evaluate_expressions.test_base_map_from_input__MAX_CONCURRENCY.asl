{
 "Comment": "BASE_MAP",
 "QueryLanguage": "JSONata",
 "StartAt": "Start",
 "States": {
  "Start": {
   "Type": "Map",
   "Items": [
    1
   ],
   "MaxConcurrency": "{% $states.input.input_value %}",
   "ItemProcessor": {
    "StartAt": "Process",
    "States": {
     "Process": {
      "Type": "Pass",
      "End": true
     }
    }
   },
   "End": true
  }
 }
}